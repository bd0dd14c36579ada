"""Browser-test fixtures: Debian's Chromium driven by Playwright, and the full local stack.

`browser` launches /usr/bin/chromium headless (install it and the pinned Playwright with
`bash tests/browser/ensure_browser.sh`); the tests are skipped, with the reason, only when the
browser cannot be launched. `live` starts `python -m chalicelib.local.run` (moto, provisioning,
demo seed, SQS pump, `chalice local`) on free ports in a subprocess for the whole session and
stops it with SIGINT. Screenshots go to tests/screenshots/ (git-ignored).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "Guangyuan#2026"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
READY_SECONDS = 180
# Set by tests/conftest.py for the in-process emulator; the local stack sets its own.
_STACK_ENV_DROP = ("AWS_", "STAGE", "RESOURCE_PREFIX", "BUCKET_PREFIX", "POWERTOOLS_")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser against the local stack")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed: run `bash tests/browser/ensure_browser.sh` "
                    "(installs requirements-browser.txt and Debian's chromium)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} not found: run `bash tests/browser/ensure_browser.sh` "
                    "(apt-get install chromium)")
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
    except Exception as exc:  # noqa: BLE001 — any launch failure means no browser here
        pw.stop()
        pytest.skip(f"Chromium at {CHROMIUM} cannot be launched: {exc}")
    yield b
    b.close()
    pw.stop()


class Live:
    """The running local stack: its base URL and a small JSON client for test data."""

    def __init__(self, base: str, log: Path):
        self.base = base
        self.log = log
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            r = requests.post(f"{self.base}/v1/auth/token", json={"username": username, "password": PASSWORD},
                              timeout=30)
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return self._tokens[username]

    def api(self, method: str, path: str, user: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        return requests.request(method, f"{self.base}{path}", headers=headers, timeout=60, **kwargs)

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@pytest.fixture(scope="session")
def live(browser, tmp_path_factory):
    """The full local stack in a subprocess (`python -m chalicelib.local.run`) on free ports."""
    api_port, moto_port = _free_port(), _free_port()
    while moto_port == api_port:
        moto_port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(_STACK_ENV_DROP)}
    env.update({"API_PORT": str(api_port), "MOTO_PORT": str(moto_port), "PYTHONUNBUFFERED": "1"})
    python = REPO / ".venv" / "bin" / "python"
    log = tmp_path_factory.mktemp("stack") / "local-run.log"
    out = log.open("wb")
    proc = subprocess.Popen([str(python if python.exists() else sys.executable), "-m", "chalicelib.local.run"],
                            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    stack = Live(f"http://127.0.0.1:{api_port}", log)
    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the local stack exited with {proc.returncode} before it was ready:\n{stack.log_tail()}")
            banner = "Ctrl-C stops everything" in log.read_text(errors="replace")
            if banner:
                try:
                    if requests.get(f"{stack.base}/health", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    pass
            if time.monotonic() > deadline:
                pytest.fail(f"the local stack was not ready within {READY_SECONDS} s:\n{stack.log_tail()}")
            time.sleep(0.5)
        yield stack
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        out.close()


def _new_page(browser, live, viewport, **extra):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  accept_downloads=True, base_url=live.base, **extra)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return context, page


@pytest.fixture
def page(browser, live):
    """A desktop-sized page; fails the test on any uncaught JavaScript error."""
    context, pg = _new_page(browser, live, DESKTOP)
    yield pg
    errors = list(pg.js_errors)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def phone(browser, live):
    """A phone-sized touch page (390×844)."""
    context, pg = _new_page(browser, live, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield pg
    errors = list(pg.js_errors)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot():
    """shot(page, name): a screenshot (full page unless told) at tests/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(pg, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot
