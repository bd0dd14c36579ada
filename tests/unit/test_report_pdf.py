"""The 企业信用信息报告 renderer (chalicelib/adapters/report_pdf.py) on any text a record may hold: it always
gives a PDF that opens, with every character of the values, markup printed as text, and the attested
check attached unchanged — a value longer than a page goes on over the page break (no LayoutError, so
no 500 from the route)."""
from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from chalicelib.adapters.report_pdf import ATTACHMENT, render
from chalicelib.catalog import load_catalog
from chalicelib.domain.masking import public_copy
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record

CATALOG = load_catalog()
NAME = "广元市利州区示例食品有限公司"
CHECK = {"code": ENTERPRISE_USCC, "name": NAME, "restricted": False, "reasons": [],
         "checked_at": "2026-12-07T10:00:00.000+08:00",
         "attestation": {"payload": '{"code":"x"}', "signature": "MEUCIQ==", "algorithm": "ECDSA_SHA_256",
                         "key_id": "arn:aws:kms:us-east-1:123456789012:key/test"}}
VERIFY = "https://example.gov.cn/pages/verify.html"


def report_with(**other_fields) -> dict:
    """A report of one 其他 record (whose fields are overridden) and one penalty, as the service gives it."""
    records = {"other": sample_record("other", **other_fields), "admin_penalty": sample_record("admin_penalty")}
    categories = []
    for cid, cat in CATALOG.categories.items():
        rec = records.get(cid)
        copies = [{"category": cid, "record_id": f"01TEST{cid}", "source_ref": "广发改〔2026〕5号",
                   "decision_date": "2026-09-10", "fields": public_copy(cat, rec), "department_name": "市发改委",
                   "published_at": "2026-12-07T10:00:00+08:00", "publish_until": "2027-09-10"}] if rec else []
        categories.append({"category": cid, "name": cat.name, "records": copies})
    return {"enterprise": {"code": ENTERPRISE_USCC, "name": NAME, "uscc": ENTERPRISE_USCC, "status": "存续"},
            "categories": categories, "total": 2, "credit_check": CHECK, "made_at": "2026-12-07T10:00:01.000+08:00"}


def read(pdf: bytes) -> tuple[str, dict]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    return text, json.loads(reader.attachments[ATTACHMENT][0])


PIECES = list("甲乙丙丁广元罚款<>&\"'/=;、，。ABCxyz0129 \n\t😀\x00") + ["<b>", "</b>", "<br/>", "&amp;", "<font size=40>"]
VALUE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=150).map("".join)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=VALUE, content=VALUE)
def test_any_text_renders_as_text_with_the_check_attached(title, content):
    text, attached = read(render(report_with(title=title, content=content), CATALOG, VERIFY))
    assert attached == CHECK
    assert NAME in text and "广发改〔2026〕5号" in text
    for value in (title, content):
        assert "".join(value.split()) in text


def test_a_value_longer_than_a_page_goes_on_over_the_page_break():
    pdf = render(report_with(content="甲" * 4000, title="乙" * 200), CATALOG, VERIFY)
    text, attached = read(pdf)
    assert text.count("甲") == 4000 and text.count("乙") == 200 and attached == CHECK
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 3
