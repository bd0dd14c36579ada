"""Issue 25 — the 企业信用信息报告 PDF from the enterprise page, and the public verify page, in real Chromium:
the report downloads from its link; its attached attestation pasted (or uploaded, or scanned as the QR
code's address) into /pages/verify.html reads 有效, and a tampered one 无效."""
from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader
from test_page_states import VISIBLE_HIDDEN_JS
from test_pages import make_enterprise, no_sideways_scroll, penalty_for, publish, submit

from chalicelib.adapters.report_pdf import qr_target

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: run `bash tests/browser/ensure_browser.sh`")
expect = sync_api.expect

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def reported(live):
    """A new enterprise under a published 责令停产停业 (restricted)."""
    ent = make_enterprise(live)
    submit(live, "op-d12", "admin_penalty", penalty_for(ent, CF_CFLB="责令停产停业、罚款"))
    publish(live)
    return ent


def download_report(pg, ent, tmp_path) -> tuple[PdfReader, dict]:
    pg.goto(f"/pages/enterprise.html?code={ent['uscc']}")
    link = pg.get_by_role("link", name="下载信用报告 (PDF)")
    expect(link).to_be_visible()
    with pg.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf") and ent["name"] in download.suggested_filename
    path = tmp_path / "report.pdf"
    download.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert ent["name"] in reader.pages[0].extract_text()
    return reader, json.loads(reader.attachments["attestation.json"][0])


def viewer(pg):
    """The frame of Chromium's own PDF viewer (an extension page) showing the document the page opened."""
    for _ in range(100):
        frames = [f for f in pg.frames if f.url.startswith("chrome-extension://")]
        if frames:
            return frames[0]
        pg.wait_for_timeout(100)
    raise AssertionError(f"Chromium opened no PDF viewer: {[f.url for f in pg.frames]}")


def verdict(pg, body_text: str) -> str:
    pg.get_by_label("或粘贴签名内容").fill(body_text)
    pg.get_by_role("button", name="核验", exact=True).click()
    badge = pg.locator("#verdict")
    expect(badge).to_have_text(re.compile("^(有效|无效)$"))
    return badge.inner_text()


def test_report_link_and_verify_page_paste_upload_scan_and_tamper(live, reported, page, phone, shot, tmp_path):
    ent = reported
    reader, attached = download_report(page, ent, tmp_path)
    assert attached["restricted"] is True
    shot(page, "enterprise-report-link-1280", full_page=False)

    # Chromium's PDF viewer opens it: its title bar shows the report's title, and the pages are drawn
    page.goto((tmp_path / "report.pdf").as_uri())
    pdf = viewer(page)
    expect(pdf.locator("viewer-toolbar #title")).to_have_text(f"企业信用信息报告：{ent['name']}")
    expect(pdf.locator("viewer-page-selector #pagelength")).to_contain_text(str(len(reader.pages)))
    shot(page, "credit-report-chromium-1280", full_page=False)

    # pasted: the whole attachment → 有效, with what was signed and today's answer
    page.goto("/pages/verify.html")
    assert page.evaluate(VISIBLE_HIDDEN_JS) == []
    assert verdict(page, json.dumps(attached, ensure_ascii=False, indent=2)) == "有效"
    expect(page.locator("#attested")).to_contain_text(ent["name"])
    expect(page.locator("#attested")).to_contain_text("受限：联合惩戒对象")
    expect(page.locator("#current")).to_contain_text(ent["uscc"])
    expect(page.locator("#stale")).to_have_count(0)
    shot(page, "verify-valid-1280")

    # tampered: the shown conclusion changed under an intact signature → 无效
    assert verdict(page, json.dumps({**attached, "restricted": False}, ensure_ascii=False)) == "无效"
    expect(page.locator("#verdict-text")).to_contain_text("请勿采信")
    shot(page, "verify-invalid-1280")
    # the payload edited inside the attestation → 无效; payload and signature pasted apart, as copied → 有效
    att = attached["attestation"]
    forged = att["payload"].replace('"restricted":true', '"restricted":false')
    assert verdict(page, json.dumps({"payload": forged, "signature": att["signature"]}, ensure_ascii=False)) == "无效"
    page.get_by_role("button", name="清空").click()
    page.locator("#separate summary").click()
    half = len(att["payload"]) // 2
    page.get_by_label("签名内容 payload").fill(att["payload"][:half] + "\n" + att["payload"][half:])
    page.get_by_label("签名 signature").fill(att["signature"][:40] + "\n" + att["signature"][40:])
    page.get_by_role("button", name="核验", exact=True).click()
    expect(page.locator("#verdict")).to_have_text("有效")
    # not JSON at all: a message, no verdict
    page.get_by_role("button", name="清空").click()
    page.get_by_label("或粘贴签名内容").fill("不是签名")
    page.get_by_role("button", name="核验", exact=True).click()
    expect(page.locator("#status")).to_contain_text("无法识别签名内容")
    expect(page.locator("#result")).to_be_hidden()

    # uploaded: the attachment file as saved from the PDF reader
    page.goto("/pages/verify.html")
    upload = tmp_path / "attestation.json"
    upload.write_bytes(reader.attachments["attestation.json"][0])
    page.get_by_label("上传报告附件 attestation.json").set_input_files(str(upload))
    expect(page.locator("#verdict")).to_have_text("有效")

    # on a phone the enterprise page keeps the link within the screen
    phone.goto(f"/pages/enterprise.html?code={ent['uscc']}")
    expect(phone.get_by_role("link", name="下载信用报告 (PDF)")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "enterprise-report-link-390", full_page=False)

    # scanned: the QR code's address opens the page and verifies at once, on a phone too
    target = qr_target(f"{live.base}/pages/verify.html", att)
    assert "#a=" in target
    phone.goto(target)
    expect(phone.locator("#verdict")).to_have_text("有效")
    expect(phone.locator("#attested")).to_contain_text(ent["name"])
    no_sideways_scroll(phone)
    shot(phone, "verify-390")
    phone.goto(f"{live.base}/pages/verify.html#a=broken")
    expect(phone.locator("#status")).to_contain_text("二维码内容不完整")


def test_verify_page_has_no_serious_accessibility_violation(live, page):
    axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                                   reason="axe-playwright-python is not installed (requirements-browser.txt)")
    page.goto("/pages/verify.html")
    page.wait_for_load_state("networkidle")
    results = axe_sync.Axe().run(page)
    bad = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
