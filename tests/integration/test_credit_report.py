"""企业信用信息报告 PDF (issue #25, SPEC §6.3 report.pdf) through the real route on the emulator: every
published record's 文号 and the enterprise's name as extractable text (pypdf), no masked or non-public
value, markup kept as text, and the embedded attestation verifying through the verify route."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from chalicelib.adapters.report_pdf import qr_target
from chalicelib.catalog import load_catalog
from chalicelib.local.demo_data import ELSEWHERE_USCC, ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job

PDF = {"Accept": "application/pdf"}
JSON = {"Content-Type": "application/json"}
REPORT = f"/v1/public/enterprises/{ENTERPRISE_USCC}/report.pdf"
NAME = "广元市利州区示例食品有限公司"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
SECRET_FACTS = "锅炉废气颗粒物排放浓度超过国家标准"      # CF_SY of the penalty, masked by its department
ID_NUMBERS = ("510802198001011234", "510802198502023456")   # 法定代表人 / 出质人 ID numbers (never public)
MARKUP = "<b>加粗</b> & <font size=40>大</font>"
LONG = "列入守信激励名单，" * 20 + MARKUP      # wraps: laid out as a paragraph, where markup would be read
REGISTRY_AUTHORITY = ("abnormal_list", "serious_violation", "chattel_mortgage", "equity_pledge", "trademark")
ANY_DEPARTMENT = ("admin_license", "inspection", "other")


def flat(text: str) -> str:
    """Text without blanks/line breaks: a value wrapped over two lines still reads as one."""
    return "".join(text.split())


def published_in_every_category(client, login) -> dict[str, str]:
    """The sample enterprise with one published record in every category; category → its 文号."""
    register(client, login)
    d21, d12 = login("op-d21", "operator", "d21"), login("op-d12", "operator", "d12")
    refs = {}
    for category in REGISTRY_AUTHORITY:
        (acc,) = accepted(client, d21, category, [sample_record(category)])
        refs[category] = acc["source_ref"]
    for category in ANY_DEPARTMENT:
        extra = {"title": MARKUP, "content": LONG} if category == "other" else {}
        (acc,) = accepted(client, d12, category, [sample_record(category, **extra)])
        refs[category] = acc["source_ref"]
    (acc,) = accepted(client, d12, "admin_penalty", [sample_record(
        "admin_penalty", CF_CFLB="责令停产停业、罚款", masked_fields=["CF_SY"])])
    refs["admin_penalty"] = acc["source_ref"]
    run_job(client, login, "forward")
    return refs


def get_pdf(client) -> tuple[PdfReader, bytes]:
    resp = client.http.get(REPORT, headers=PDF)
    assert resp.status_code == 200, resp.body
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    assert resp.body.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(resp.body)), resp.body


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def verify(client, body) -> dict:
    resp = client.http.post("/v1/public/attestations/verify", headers=JSON, body=json.dumps(body, ensure_ascii=False))
    assert resp.status_code == 200, resp.body
    return resp.json_body


def test_report_has_every_record_the_name_no_masked_value_and_a_verifying_attachment(client, login):
    refs = published_in_every_category(client, login)
    page = client.http.get(f"/v1/public/enterprises/{ENTERPRISE_USCC}").json_body
    assert page["total"] == 10 and all(g["records"] for g in page["categories"])

    reader, body = get_pdf(client)
    text = text_of(reader)
    assert NAME in text and "企业信用信息报告" in text and ENTERPRISE_USCC in text
    for category, ref in refs.items():
        if category != "registration":
            assert flat(ref) in flat(text), (category, ref)
    for name in (g["name"] for g in page["categories"]):
        assert name in text
    assert SECRET_FACTS not in flat(text) and "***" in text                   # masked by 屏蔽字段
    assert not any(number in flat(text) for number in ID_NUMBERS)             # 非公示项 / partially masked
    assert flat(MARKUP) in flat(text) and flat(LONG) in flat(text)            # markup printed as text
    assert "受限：联合惩戒对象" in text and "责令停产停业" in text

    # the attested credit check, attached and printed, verifies through the verify route
    attached = json.loads(reader.attachments["attestation.json"][0])
    assert (attached["code"], attached["name"], attached["restricted"]) == (ENTERPRISE_USCC, NAME, True)
    result = verify(client, attached)
    assert result["valid"] is True and result["attested"]["name"] == NAME
    assert result["current"]["restricted"] is True
    att = attached["attestation"]
    assert flat(att["signature"]) in flat(text) and flat(att["payload"]) in flat(text)
    assert verify(client, {"payload": att["payload"], "signature": att["signature"]})["valid"] is True
    # a tampered copy of the attachment does not
    assert verify(client, {**attached, "restricted": False})["valid"] is False
    forged = att["payload"].replace('"restricted":true', '"restricted":false')
    assert forged != att["payload"]
    assert verify(client, {"attestation": {**att, "payload": forged}})["valid"] is False

    render_and_scan(body, len(reader.pages), qr_target("http://localhost/pages/verify.html", att))


def render_and_scan(body: bytes, pages: int, qr: str) -> None:
    """Renders the report with poppler (`pdftoppm`) into tests/screenshots/credit-report-N.png for a person
    to look at, and reads the last page's QR code back with `zbarimg` — each only where it is installed."""
    if not shutil.which("pdftoppm"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("credit-report-*.png"):
        old.unlink()
    pdf = SCREENSHOTS / "credit-report.pdf"
    pdf.write_bytes(body)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(SCREENSHOTS / "credit-report")], check=True,
                   timeout=120)
    assert len(list(SCREENSHOTS.glob("credit-report-*.png"))) == pages
    if shutil.which("zbarimg"):
        last = SCREENSHOTS / "credit-report-qr"
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", str(pages), "-l", str(pages), "-singlefile",
                        str(pdf), str(last)], check=True, timeout=120)
        scanned = subprocess.run(["zbarimg", "-q", "--raw", str(last) + ".png"], capture_output=True, text=True,
                                 timeout=120)
        assert scanned.stdout.strip() == qr


def test_report_of_an_enterprise_without_restriction_says_so(client, login):
    register(client, login)
    accepted(client, login("op-d12", "operator", "d12"), "admin_license", [sample_record("admin_license")])
    run_job(client, login, "forward")
    reader, _ = get_pdf(client)
    text = text_of(reader)
    assert "未发现联合惩戒信息" in text and flat("广食药许〔2026〕88号") in flat(text)
    assert "暂无行政处罚信息" in text
    attached = json.loads(reader.attachments["attestation.json"][0])
    assert attached["restricted"] is False and verify(client, attached)["valid"] is True


@pytest.mark.parametrize("accept", [None, "application/json", "text/html"])
def test_report_needs_an_accept_header_naming_pdf(client, login, accept):
    register(client, login)
    run_job(client, login, "forward")
    resp = client.http.get(REPORT, headers={"Accept": accept} if accept else {})
    assert resp.status_code == 406 and resp.json_body["error"]["code"] == "NOT_ACCEPTABLE"


def test_unknown_or_bad_code_is_404_not_a_pdf(client):
    for code in (ELSEWHERE_USCC, "nonsense"):
        resp = client.http.get(f"/v1/public/enterprises/{code}/report.pdf", headers=PDF)
        assert resp.status_code == 404 and resp.json_body["error"]["code"] == "NOT_FOUND"


def test_every_category_of_the_catalog_is_in_the_report_fixture():
    assert set(REGISTRY_AUTHORITY + ANY_DEPARTMENT + ("admin_penalty", "registration")) == set(load_catalog().categories)


@pytest.mark.parametrize(("headers", "site"), [
    ({"Host": "xygs.example.gov.cn", "X-Forwarded-Proto": "https"}, "https://xygs.example.gov.cn"),
    ({"Host": "127.0.0.1:8000"}, "http://127.0.0.1:8000"),
    ({"Host": "evil.example/<b>x</b>", "X-Forwarded-Proto": "javascript"}, "http://localhost"),
])
def test_the_verify_address_is_this_site_as_the_caller_reached_it(client, login, headers, site):
    register(client, login)
    run_job(client, login, "forward")
    resp = client.http.get(REPORT, headers={**PDF, **headers})
    assert resp.status_code == 200
    text = flat(text_of(PdfReader(io.BytesIO(resp.body))))
    assert f"打开{site}/pages/verify.html，" in text and f"{site}/v1/public/attestation-key" in text
