"""Watchlist callback addresses (SSRF guard) and the delivery pinned to the checked address.

`CallbackGuard.check(url)` → `Target`: https only, and EVERY address the host stands for must be a
public unicast one (the ipaddress module decides). Hosts are read as the C library would read them
(`127.1`, `2130706433`, `0x7f000001`, `0251.0376.0251.0376` are IPv4 addresses), names are
resolved once by the injected resolver, and the delivery connects to the address that was checked
(the name goes only into the Host header and TLS SNI / certificate check): no second DNS lookup
that a rebinding name could answer differently.

The escape hatch for the local stack and tests (`allow_private`: http and loopback/private
addresses) is decided by config.Settings.callbacks_may_be_private, which is never true on AWS.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

from chalicelib.adapters.publicity import batch_body, signature

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class CallbackRefused(Exception):
    """The callback URL may not be called (the reason is for logs, never for the caller)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str          # the name as written (lower case, without a trailing dot)
    port: int
    path: str          # path and query
    address: str       # the checked address the connection goes to

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the name resolves to (A and AAAA)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def literal_address(host: str) -> Address | None:
    """The address a host names literally, in any form the C library accepts (None for a name)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])     # dotted IPv4, IPv6 (scope dropped)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))   # 127.1, 2130706433, 0x7f000001, 0177.0.0.1
    except (OSError, ValueError):
        return None


def is_public(address: Address) -> bool:
    """A public unicast address: no loopback, private, link-local, unique-local, shared, reserved,
    multicast or unspecified one, also not behind an IPv4-mapped/compatible/6to4/Teredo IPv6."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address.packed[:12] == bytes(12):        # ::a.b.c.d (IPv4-compatible)
            embedded = ipaddress.IPv4Address(address.packed[12:])
        if embedded is not None and not is_public(embedded):
            return False
    return (address.is_global and not address.is_multicast and not address.is_reserved
            and not address.is_unspecified and not address.is_loopback and not address.is_link_local
            and not address.is_private)


class CallbackGuard:
    def __init__(self, resolver=system_resolver, allow_private: bool = False):
        self.resolver = resolver            # callable(host, port) → [address, ...]
        self.allow_private = allow_private

    def check(self, url) -> Target:
        if not isinstance(url, str) or len(url) > 2000:
            raise CallbackRefused("not a URL")
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise CallbackRefused(f"unparsable URL: {exc}") from None
        schemes = ("https", "http") if self.allow_private else ("https",)
        if parts.scheme not in schemes:
            raise CallbackRefused(f"scheme {parts.scheme!r}")
        if parts.username is not None or parts.password is not None:
            raise CallbackRefused("credentials in the URL")
        try:   # an internationalised name as DNS and the Host header carry it (xn--…)
            host = (parts.hostname or "").rstrip(".").encode("idna").decode("ascii")
        except UnicodeError:
            raise CallbackRefused("not a valid host name") from None
        if not host:
            raise CallbackRefused("no host")
        port = port or (443 if parts.scheme == "https" else 80)
        literal = literal_address(host)
        if literal is not None:
            addresses = [literal]
        else:
            if not self.allow_private and (host == "localhost" or host.endswith(".localhost")):
                raise CallbackRefused("localhost")
            try:
                found = self.resolver(host, port)
            except (OSError, UnicodeError) as exc:
                raise CallbackRefused(f"does not resolve: {exc}") from None
            addresses = [ipaddress.ip_address(str(a).split("%", 1)[0]) for a in found]
            if not addresses:
                raise CallbackRefused("does not resolve")
        if not self.allow_private:
            private = [str(a) for a in addresses if not is_public(a)]
            if private:
                raise CallbackRefused(f"resolves to non-public {', '.join(private)}")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Target(scheme=parts.scheme, host=host, port=port, path=path, address=str(addresses[0]))


def pinned_sender(timeout: float = 10.0, ca_certs: str | None = None):
    """POST a signed JSON body to a checked Target, connecting to its checked address (TLS: SNI and
    certificate check against the name; `ca_certs` = the system's trust store unless given); returns
    None on 2xx, else what went wrong (for logs and the dead-letter queue)."""
    def send(target: Target, secret: str, body: dict, key: str) -> str | None:
        raw = batch_body(body)
        ts = str(int(time.time()))
        options = {"timeout": urllib3.Timeout(total=timeout), "retries": False, "maxsize": 1}
        if target.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(target.address, target.port, server_hostname=target.host,
                                               assert_hostname=target.host, cert_reqs="CERT_REQUIRED",
                                               ca_certs=ca_certs, **options)
        else:
            pool = urllib3.HTTPConnectionPool(target.address, target.port, **options)
        try:
            resp = pool.urlopen("POST", target.path, body=raw, redirect=False, assert_same_host=False, headers={
                "Host": target.host_header, "Content-Type": "application/json; charset=utf-8",
                "Idempotency-Key": key, "X-Timestamp": ts, "X-Signature": signature(secret, ts, raw)})
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            return f"{type(exc).__name__}: {exc}"
        finally:
            pool.close()
        return None if 200 <= resp.status < 300 else f"HTTP {resp.status}"
    return send
