"""Public text is kept as plain text (SPEC §5.2: no HTML kept as markup)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.plain_text import plain_text

MARKUP = st.sampled_from(["<b>", "</b>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;",
                          "&gt;", "&amp;", "<!-- x -->", "<a href='javascript:x'>", "<", ">", "&", "\x00", "\n"])
TEXT = st.lists(st.one_of(MARKUP, st.text(max_size=20)), max_size=12).map("".join)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_no_markup_survives_and_nothing_grows(value):
    out = plain_text(value)
    assert "<" not in out                      # no tag can be formed from what is kept
    assert len(out) <= len(value)
    assert out == out.strip()


def test_examples():
    assert plain_text("<b>金额</b>有误") == "金额有误"
    assert plain_text("<script>alert(1)</script>罚款") == "罚款"
    assert plain_text("金额<1万元") == "金额＜1万元"
    assert plain_text("&lt;img src=x&gt;") == "＜img src=x＞"
    assert plain_text("  第一行 \n\n  第二行  ") == "第一行\n\n第二行"
