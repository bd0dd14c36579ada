"""Static pages (HTML/CSS/JS, no build step) served from chalicelib/pages by the API function.

A page names shared parts with `<!--#include _name.html-->` (the site header and its navigation
live once, in `_header.html`); the link to the page itself is marked `aria-current="page"`. Parts
(names starting with `_`) are not served on their own.
"""
from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from chalicelib.errors import NotFound

ROOT = Path(__file__).resolve().parent.parent / "pages"
_SAFE = re.compile(r"^[A-Za-z0-9-][A-Za-z0-9_-]{0,79}\.(html|css|js|svg|png|ico|json)$")
_INCLUDE = re.compile(r"<!--#include (_[A-Za-z0-9_-]{1,80}\.html)-->")


def page(name: str) -> tuple[bytes, str]:
    """The bytes and content type of one page asset; NotFound for anything else."""
    if not _SAFE.match(name or "") or not (ROOT / name).is_file():
        raise NotFound("页面不存在")
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/javascript", "application/json", "image/svg+xml"):
        ctype += "; charset=utf-8"
    if name.endswith(".html"):
        return _html(name).encode(), ctype
    return (ROOT / name).read_bytes(), ctype


def _html(name: str) -> str:
    """The page with its shared parts put in."""
    link = f'<a href="/pages/{name}">' if name != "index.html" else '<a href="/">'   # the nav's own link
    current = link[:-1] + ' aria-current="page">'
    return _INCLUDE.sub(lambda m: (ROOT / m.group(1)).read_text().replace(link, current), (ROOT / name).read_text())
