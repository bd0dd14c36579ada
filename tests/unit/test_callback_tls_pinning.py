"""The pinned webhook sender over TLS: it connects to the checked address, sends the callback's name
as SNI and Host, and verifies the certificate against that name (not against the address).

A loopback HTTPS server with a certificate for `hook.watch.test` (a name no real DNS answers), and
the sender trusting that certificate; no DNS is asked at all.
"""
from __future__ import annotations

import datetime as dt
import http.server
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from chalicelib.adapters.callbacks import Target, pinned_sender

NAME = "hook.watch.test"


def _certificate(tmp_path, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


class Hook(http.server.BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        Hook.seen.append({"host": self.headers["Host"]})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def tls_server(tmp_path):
    cert, key = _certificate(tmp_path, NAME)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Hook.seen = []
    yield server.server_port, cert, tmp_path
    server.shutdown()


def test_tls_delivery_to_the_checked_address_verifies_the_name(tls_server):
    port, cert, _ = tls_server
    send = pinned_sender(timeout=5, ca_certs=cert)
    target = Target(scheme="https", host=NAME, port=port, path="/hook", address="127.0.0.1")
    assert send(target, "secret", {"events": []}, "key-1") is None
    assert Hook.seen[0]["host"] == f"{NAME}:{port}"


def test_tls_delivery_refuses_a_certificate_for_another_name(tls_server):
    port, cert, _ = tls_server
    send = pinned_sender(timeout=5, ca_certs=cert)       # a trusted certificate, but not for this name
    target = Target(scheme="https", host="other.watch.test", port=port, path="/hook", address="127.0.0.1")
    assert send(target, "secret", {"events": []}, "key-1") is not None
    assert Hook.seen == []
