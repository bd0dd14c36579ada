"""Who is calling: taken only from a verified ID token, never from the request body."""
from __future__ import annotations

from pydantic import BaseModel

# The roles (Cognito groups), in precedence order: a user's role is the first of them they hold.
ROLES = ("admin", "supervisor", "system", "operator")


class Principal(BaseModel):
    username: str
    role: str                      # admin / supervisor / operator / system
    department: str | None = None  # operators and systems only
    sub: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def has_department(self) -> bool:
        return self.role in ("operator", "system")


ANONYMOUS = Principal(username="anonymous", role="public")
