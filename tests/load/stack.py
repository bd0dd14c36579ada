"""Start the whole local stack (`python -m chalicelib.local.run`: emulator, provisioning, seed, pump,
scheduler, `chalice local`) on free loopback ports, wait for /health, and stop it with SIGINT.

Used by the contract fuzzing test and by tests/load/load.py when no --base-url is given.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Guangyuan#2026"
# what the test session (tests/conftest.py) or a shell may have set for another backend
_FOREIGN_ENV = ("AWS_ENDPOINT_URL", "USER_POOL_ID", "USER_POOL_CLIENT_ID", "JWKS_URL", "TOKEN_ISSUER",
                "PUBLICITY_ENDPOINT", "PUBLICITY_SECRET_ID", "STAGE", "RESOURCE_PREFIX", "BUCKET_PREFIX",
                "AWS_PROFILE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStack:
    def __init__(self, startup_timeout: float = 180.0):
        self.api_port, self.moto_port = free_port(), free_port()
        self.base_url = f"http://127.0.0.1:{self.api_port}"
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile("w+", prefix="qygs-local-", suffix=".log", delete=False)

    def __enter__(self) -> LocalStack:
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
        env.update(API_PORT=str(self.api_port), MOTO_PORT=str(self.moto_port), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "chalicelib.local.run"], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"local stack exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                if requests.get(f"{self.base_url}/health", timeout=2).status_code == 200 and self._banner():
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"local stack not ready within {self.startup_timeout} s:\n{self.tail()}")

    def _banner(self) -> bool:
        return "Ctrl-C stops everything" in Path(self.log.name).read_text(errors="replace")

    def tail(self, n: int = 40) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-n:])

    def token(self, username: str, password: str = PASSWORD) -> str:
        resp = requests.post(f"{self.base_url}/v1/auth/token", json={"username": username, "password": password},
                             timeout=30)
        resp.raise_for_status()
        return resp.json()["access_token"]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()

    def __exit__(self, *exc) -> None:
        self.stop()
        os.unlink(self.log.name)
