"""Issue 19: watchlist callbacks go only to public https addresses, checked at creation and at
every delivery, the connection pinned to the checked address; owners see one generic error.

Through POST /v1/watchlists, the forward job and GET /v1/watchlists/{id}/deliveries on the
emulator. DNS is the container's injected resolver (the only place names are resolved); the
tests/conftest.py escape hatch (loopback callbacks) is switched off here except where a test says.
"""
from __future__ import annotations

import http.server
import json
import socket
import threading

import pytest

from chalicelib import container
from chalicelib.config import settings_from_env
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job

PUBLIC_IP = "93.184.215.14"


class Dns:
    """The resolver the platform is given: a table (None = no such name), every other name a
    public address (a wildcard zone: the guard itself must read numeric hosts and `localhost`),
    and every question it was asked."""

    def __init__(self, table: dict[str, list[str] | None], wildcard: list[str] | None = None):
        self.table, self.asked, self.wildcard = table, [], wildcard

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        found = self.table.get(host, self.wildcard)
        if found is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return found


@pytest.fixture
def dns():
    return Dns({"hooks.bidding.example": [PUBLIC_IP], "intranet.example": ["10.1.2.3"],
                "split.example": [PUBLIC_IP, "192.168.0.9"], "v6.example": ["2606:4700::6810:84e5"],
                "rebind.example": [PUBLIC_IP], "nowhere.example": None}, wildcard=[PUBLIC_IP])


@pytest.fixture
def strict(stack, dns):
    """The platform as deployed: no private callbacks; DNS = `dns`."""
    return _stage(dns, allow_private=False)


def _create(client, headers, url):
    return client.http.post("/v1/watchlists", headers=headers, body=json.dumps(
        {"codes": [ENTERPRISE_USCC], "callback_url": url}))


REFUSED = [
    "http://hooks.bidding.example/hook",                 # not https
    "ftp://hooks.bidding.example/hook",
    "https://127.0.0.1/", "https://127.1/", "https://2130706433/", "https://0x7f000001/",
    "https://0177.0.0.1/", "https://0x7f.1/",
    "https://169.254.169.254/latest/meta-data/", "https://2852039166/", "https://0xa9fea9fe/",
    "https://0251.0376.0251.0376/", "https://169.254.43518/",
    "https://localhost/", "https://localhost./", "https://LOCALHOST/", "https://api.localhost/",
    "https://[::1]/", "https://[0:0:0:0:0:0:0:1]/", "https://[fe80::1]/", "https://[fe80::1%25eth0]/",
    "https://[fd00::1]/", "https://[fc00::5]/", "https://[::ffff:127.0.0.1]/", "https://[::ffff:a9fe:a9fe]/",
    "https://[::ffff:10.0.0.1]/", "https://[::127.0.0.1]/", "https://[2002:7f00:1::]/", "https://[::]/",
    "https://0.0.0.0/", "https://0/", "https://10.0.0.1/", "https://172.16.5.4/", "https://192.168.1.1/",
    "https://100.64.0.1/", "https://224.0.0.1/", "https://255.255.255.255/", "https://240.0.0.1/",
    "https://intranet.example/hook",                     # a name resolving to 10.x
    "https://intranet.example./hook",
    "https://split.example/hook",                        # one of its addresses is private
    "https://nowhere.example/hook",                      # does not resolve
    "https://user:pw@hooks.bidding.example/hook",        # credentials in the URL
    "https:///hook", "https://hooks.bidding.example:99999/", "https://[::1", "https://a..b/", 42, "",
]


def test_every_form_of_an_internal_address_is_refused_at_creation(strict, client, login):
    """Table-driven over REFUSED, on one stack (each row is a real POST /v1/watchlists)."""
    bidding = login("op-d09", "operator", "d09")
    answers = {str(url): _create(client, bidding, url) for url in REFUSED}
    wrong = {url: (r.status_code, r.body[:200]) for url, r in answers.items() if r.status_code != 400}
    assert not wrong
    for resp in answers.values():
        assert {d["field"] for d in resp.json_body["error"]["details"]} == {"callback_url"}


ACCEPTED = ["https://hooks.bidding.example/hook?x=1", "https://招标.example/hook", "https://hooks.bidding.example.:8443/",
            f"https://{PUBLIC_IP}/hook", "https://v6.example/", "https://[2606:4700::6810:84e5]/"]


def test_public_callbacks_are_accepted(strict, client, login):
    bidding = login("op-d09", "operator", "d09")
    wrong = {url: r.body[:200] for url in ACCEPTED if (r := _create(client, bidding, url)).status_code != 200}
    assert not wrong


class Listener:
    """A TCP port on loopback that counts the connections made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def _deliveries(client, headers, watchlist_id):
    return client.http.get(f"/v1/watchlists/{watchlist_id}/deliveries", headers=headers).json_body["items"]


def test_a_name_that_turns_private_is_refused_at_delivery_without_connecting(strict, client, login, dns):
    """DNS rebinding: public at creation, loopback at delivery → refused before any connection,
    and the owner sees the same generic error as for an HTTP 500 (no oracle)."""
    listener = Listener()
    register(client, login)
    run_job(client, login, "forward")
    bidding = login("op-d09", "operator", "d09")
    resp = _create(client, bidding, f"https://rebind.example:{listener.port}/hook")
    assert resp.status_code == 200, resp.body
    wl = resp.json_body
    dns.table["rebind.example"] = ["127.0.0.1"]
    accepted(client, login("op-d21", "operator", "d21"), "serious_violation", [sample_record("serious_violation")])
    run_job(client, login, "forward")
    items = _deliveries(client, bidding, wl["id"])
    assert [(d["status"], d["attempts"]) for d in items] == [("pending", 1)]
    assert listener.connections == 0
    assert dns.asked.count("rebind.example") == 2          # once at creation, once at the delivery
    refused_error = items[0]["last_error"]
    listener.sock.close()

    # an address that answers HTTP 500 (through the test escape hatch) shows the very same error
    Callback.script = [500]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _loopback_stage(dns)      # the conftest escape hatch back on: a callback on loopback
        assert _http_500_error(client, login, server.server_port) == refused_error
    finally:
        server.shutdown()
    assert "127.0.0.1" not in refused_error and "refused" not in refused_error.lower()


class Callback(http.server.BaseHTTPRequestHandler):
    script: list[int] = []
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Callback.seen.append({"host": self.headers["Host"], "path": self.path, "body": body})
        self.send_response(Callback.script.pop(0) if Callback.script else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _stage(dns, *, allow_private: bool):
    """The process's Container again, its settings allowing private callbacks or not, DNS = `dns`."""
    settings = container.get_container().settings.model_copy(update={"webhook_allow_private": allow_private})
    return container.install(container.Container(settings, callback_resolver=dns))


def _loopback_stage(dns):
    return _stage(dns, allow_private=True)


def _http_500_error(client, login, port) -> str:
    bidding = login("op-d08", "operator", "d08")
    wl = _create(client, bidding, f"http://127.0.0.1:{port}/hook").json_body
    accepted(client, login("op-d21", "operator", "d21"), "serious_violation",
             [sample_record("serious_violation", decision_no="广工商严〔2026〕2号")])
    run_job(client, login, "forward")
    items = _deliveries(client, bidding, wl["id"])
    assert [(d["status"], d["attempts"]) for d in items] == [("pending", 1)], items
    return items[0]["last_error"]


def test_delivery_connects_to_the_checked_address_with_the_name_as_host(stack, client, login):
    """The name is resolved once, by the platform's resolver; the connection goes to that address
    (`.test` names never resolve in real DNS, so a second lookup by the HTTP library would fail)."""
    dns = Dns({"hook.watch.test": ["127.0.0.1"]})
    _loopback_stage(dns)
    Callback.seen, Callback.script = [], []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        register(client, login)
        run_job(client, login, "forward")
        bidding = login("op-d09", "operator", "d09")
        resp = _create(client, bidding, f"http://hook.watch.test:{server.server_port}/hook?k=1")
        assert resp.status_code == 200, resp.body
        accepted(client, login("op-d21", "operator", "d21"), "serious_violation", [sample_record("serious_violation")])
        run_job(client, login, "forward")
        assert [(s["host"], s["path"]) for s in Callback.seen] == [
            (f"hook.watch.test:{server.server_port}", "/hook?k=1")]
        items = _deliveries(client, bidding, resp.json_body["id"])
        assert [d["status"] for d in items] == ["delivered"]
    finally:
        server.shutdown()


def test_the_escape_hatch_is_off_outside_the_emulator():
    base = {"WEBHOOK_ALLOW_PRIVATE": "true", "STAGE": "test", "AWS_ENDPOINT_URL": "http://127.0.0.1:1"}
    assert settings_from_env(base).callbacks_may_be_private
    assert not settings_from_env({**base, "AWS_ENDPOINT_URL": ""}).callbacks_may_be_private     # AWS
    assert not settings_from_env({**base, "STAGE": "prod"}).callbacks_may_be_private
