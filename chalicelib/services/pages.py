"""Static pages (HTML/CSS/JS, no build step) served from chalicelib/pages; S3/CloudFront on AWS."""
from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from chalicelib.errors import NotFound

ROOT = Path(__file__).resolve().parent.parent / "pages"
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,80}\.(html|css|js|svg|png|ico|json)$")


def page(name: str) -> tuple[bytes, str]:
    """The bytes and content type of one page asset; NotFound for anything else."""
    if not _SAFE.match(name or "") or not (ROOT / name).is_file():
        raise NotFound("页面不存在")
    ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/javascript", "application/json", "image/svg+xml"):
        ctype += "; charset=utf-8"
    return (ROOT / name).read_bytes(), ctype
