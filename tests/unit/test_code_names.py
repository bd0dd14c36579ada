"""Every rejection code a record can get has a Chinese name (reports, the supervisor page, the 回退
file): the codes of the validator (domain/messages.Code) and every FieldError code written in the
services — a new code without a name showed raw on the supervisor page (UNKNOWN_ITEM, #26)."""
from __future__ import annotations

import pathlib
import re

from chalicelib.domain.messages import CODE_NAMES, Code

ROOT = pathlib.Path(__file__).resolve().parents[2] / "chalicelib"


def test_every_rejection_code_has_a_chinese_name():
    written = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"FieldError\((.*?)\)", text, re.S):
            written.update(re.findall(r'code="([A-Z_]+)"', call.group(1)))
    codes = {c.value for c in Code} | written
    assert "UNKNOWN_ITEM" in written
    assert not codes - set(CODE_NAMES), sorted(codes - set(CODE_NAMES))
