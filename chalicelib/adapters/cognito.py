"""The Cognito user pool: the calls the platform makes, Cognito's errors translated.

A refusal (Cognito's verdict about the request: wrong password, weak new password, unknown user…)
is raised as `errors.Refused(reason=<Cognito's code>)`; anything else — Cognito out of reach,
failing or throttling — is `errors.ServiceUnavailable` (a 503), never the SDK's own error.
"""
from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import Refused, ServiceUnavailable

COGNITO_DOWN = "身份认证服务暂时不可用，请稍后重试"
# Cognito's refusals of a username + password. Any other error is an outage.
LOGIN_REFUSALS = ("NotAuthorizedException", "UserNotFoundException", "InvalidParameterException",
                  "UserNotConfirmedException")
# Cognito's refusals of the NEW_PASSWORD_REQUIRED response (the session may be expired or unknown).
CHALLENGE_REFUSALS = ("InvalidPasswordException", "InvalidParameterException", "NotAuthorizedException",
                      "CodeMismatchException", "ExpiredCodeException", "ResourceNotFoundException",
                      "UserNotFoundException")
# Cognito's refusals of an account administration call.
ADMIN_REFUSALS = ("UserNotFoundException", "InvalidParameterException", "UsernameExistsException",
                  "InvalidPasswordException")


class CognitoPool:
    """One user pool and its app client (USER_PASSWORD_AUTH)."""

    def __init__(self, idp, pool_id: str, client_id: str):
        self.idp = idp
        self.pool_id = pool_id
        self.client_id = client_id

    def _call(self, operation: str, refusals: tuple[str, ...], **params) -> dict:
        try:
            return getattr(self.idp, operation)(**params)
        except BotoCoreError as exc:
            raise ServiceUnavailable(COGNITO_DOWN) from exc
        except ClientError as exc:
            reason = exc.response["Error"]["Code"]
            if reason in refusals:
                raise Refused(reason) from None
            raise ServiceUnavailable(COGNITO_DOWN) from exc

    def _admin(self, operation: str, username: str, **params) -> dict:
        return self._call(operation, ADMIN_REFUSALS, UserPoolId=self.pool_id, Username=username, **params)

    # --- sign-in ---------------------------------------------------------------------------
    def password_login(self, username: str, password: str) -> dict:
        """Cognito's InitiateAuth answer: {"AuthenticationResult": …} or {"ChallengeName", "Session"}."""
        return self._call("initiate_auth", LOGIN_REFUSALS, ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": username, "PASSWORD": password})

    def set_new_password(self, username: str, session: str, new_password: str) -> dict:
        """Answer the NEW_PASSWORD_REQUIRED challenge; Cognito's answer ({"AuthenticationResult": …})."""
        return self._call("respond_to_auth_challenge", CHALLENGE_REFUSALS, ClientId=self.client_id,
                          ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
                          ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": new_password})

    # --- accounts --------------------------------------------------------------------------
    def create_user(self, username: str, attributes: dict[str, str], temporary_password: str | None = None) -> None:
        """A new account (no invitation message); without a temporary password Cognito makes one."""
        params = {"TemporaryPassword": temporary_password} if temporary_password is not None else {}
        self._admin("admin_create_user", username, MessageAction="SUPPRESS", **params,
                    UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])

    def set_password(self, username: str, password: str) -> None:
        self._admin("admin_set_user_password", username, Password=password, Permanent=True)

    def user(self, username: str) -> dict:
        """{"attributes": {name: value}, "enabled": bool}; Refused("UserNotFoundException") if none."""
        user = self._admin("admin_get_user", username)
        return {"attributes": {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])},
                "enabled": user.get("Enabled", True)}

    def groups(self, username: str) -> list[str]:
        return [g["GroupName"] for g in self._admin("admin_list_groups_for_user", username).get("Groups", [])]

    def add_to_group(self, username: str, group: str) -> None:
        self._admin("admin_add_user_to_group", username, GroupName=group)

    def remove_from_group(self, username: str, group: str) -> None:
        self._admin("admin_remove_user_from_group", username, GroupName=group)

    def update_attributes(self, username: str, attributes: dict[str, str]) -> None:
        self._admin("admin_update_user_attributes", username,
                    UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])

    def disable_user(self, username: str) -> None:
        self._admin("admin_disable_user", username)

    def sign_out_everywhere(self, username: str) -> None:
        """Cognito's global sign-out: the account's refresh tokens stop working."""
        self._admin("admin_user_global_sign_out", username)
