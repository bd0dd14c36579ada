"""The local API gateway: Chalice's, answering as the deployed API Gateway does where it answers itself.

Chalice's local gateway (`chalice local`, chalice.test.Client) answers a path that matches no route
with a bare 403 {"message": "Missing Authentication Token"}. On AWS the MISSING_AUTHENTICATION_TOKEN
gateway response (infra/terraform/app/gateway_responses.tf) turns that into a 404 in the platform's
error body; `UNKNOWN_ROUTE` is the same answer (tests compare the two), given here by

- `Client`: chalice.test.Client with this gateway (the tests' in-process client);
- `python -m chalicelib.local.gateway --port N --stage local`: `chalice local --no-autoreload` with
  this gateway (`make run`).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from chalice import test as chalice_test
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
    LocalGatewayException,
    ThreadedHTTPServer,
)

from chalicelib.errors import NotFound

# Keep in step with MISSING_AUTHENTICATION_TOKEN in infra/terraform/app/gateway_responses.tf.
UNKNOWN_ROUTE = NotFound("请求的资源不存在")
PROJECT_DIR = Path(__file__).resolve().parents[2]


class RouteNotFound(LocalGatewayException):
    CODE = UNKNOWN_ROUTE.status


class PlatformGateway(LocalGateway):
    def _generate_lambda_event(self, method, path, headers, body):
        try:
            return super()._generate_lambda_event(method, path, headers, body)
        except ValueError:          # Chalice's route matcher: no route matches the path
            raise RouteNotFound({"Content-Type": "application/json; charset=utf-8"},
                                json.dumps(UNKNOWN_ROUTE.body(), ensure_ascii=False).encode()) from None


class _HTTPClient(chalice_test.TestHTTPClient):
    def __init__(self, app, config):
        super().__init__(app, config)
        self._local_gateway = PlatformGateway(app, config)


class Client(chalice_test.Client):
    """chalice.test.Client whose `http` goes through PlatformGateway."""

    @property
    def http(self) -> chalice_test.TestHTTPClient:
        if self._http_client is None:
            self._http_client = _HTTPClient(self._app, self._chalice_config)
        return self._http_client


class _RequestHandler(ChaliceRequestHandler):
    def __init__(self, request, client_address, server, app_object, config):
        self.local_gateway = PlatformGateway(app_object, config)
        self.local_gateway.event_converter.LOCAL_SOURCE_IP = client_address[0]   # the caller's address, as API Gateway reports it
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)


class _Server(ThreadedHTTPServer):
    # socketserver's listen backlog is 5: 50 concurrent clients (make load) had connections reset
    request_queue_size = 128


def serve(host: str, port: int, stage: str, project_dir: Path = PROJECT_DIR) -> None:
    """What `chalice local --no-autoreload` does (config, stage variables, route checks), this gateway."""
    from chalice.cli.factory import CLIFactory
    from chalice.deploy.validate import validate_routes

    os.environ["AWS_CHALICE_CLI_MODE"] = "true"
    os.chdir(project_dir)
    config = CLIFactory(str(project_dir), environ=os.environ).create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app
    validate_routes(app.routes)
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)   # per-thread current_request, as chalice local
    app.__class__ = CustomLocalChalice
    LocalDevServer(app, config, host, port, handler_cls=_RequestHandler, server_cls=_Server).serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stage", default="local")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    serve(args.host, args.port, args.stage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
