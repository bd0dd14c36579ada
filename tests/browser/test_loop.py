"""The 回退 loop and the kinder entry form in a real browser (issue #23, Playwright + Chromium).

Must show: inbox → fix → resubmit → resolved; a draft survives a forced 401 and re-login (and a
reload); the department's defaults are filled; the registry look-up fills the name from the code
(and the code from an exact name). Also: the upload history with counts, first errors and the 回退
file, the records list's server-side search, the withdraw form naming reinstatement. Screenshots
go to tests/screenshots/ (loop-*.png).
"""
from __future__ import annotations

import io
import re

import pytest
import requests
from openpyxl import Workbook, load_workbook

from chalicelib.catalog import load_catalog
from chalicelib.domain.identifiers import make_uscc
from tests.browser.test_pages import (
    bad_check_char,
    confirm_with_reason,
    fill_record_form,
    make_enterprise,
    no_sideways_scroll,
    penalty_for,
    portal_login,
    publish,
    records_search_missing,
    submit,
    unique,
    xfail_if_missing,
)

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: run `bash tests/browser/ensure_browser.sh`")
expect = sync_api.expect

pytestmark = pytest.mark.browser
UPLOAD_TIMEOUT_MS = 120_000


def open_entry(pg, category: str = "admin_penalty") -> None:
    pg.get_by_role("link", name="单条录入").click()
    pg.locator("#view-entry").get_by_label("信息类别").select_option(category)
    expect(pg.locator("#f-CF_WSH")).to_be_visible()


# --- entry form: defaults, look-up, draft, 录入下一条 ------------------------------------------
def test_department_defaults_are_saved_and_filled_in_every_new_form(live, page, browser, shot):
    user = "op-d07"                  # a department no other browser test enters records for
    live.api("PUT", "/v1/preferences", user, json={"defaults": {}})
    portal_login(page, user)
    open_entry(page)
    expect(page.locator("#defaults-text")).to_contain_text("尚未设置")
    authority = {"CF_CFJG": "广元市测试局", "CF_CFJGDM": make_uscc("11510800MB0000013"), "CF_SJLY": "广元市测试局数据科"}
    for name, value in authority.items():
        page.locator(f"#f-{name}").fill(value)
    page.get_by_role("button", name="将当前填写的机关信息设为本部门默认值").click()
    expect(page.locator("#defaults-msg")).to_contain_text("已保存为本部门默认值")
    expect(page.locator("#defaults-text")).to_contain_text("广元市测试局")
    stored = live.api("GET", "/v1/preferences", user).json()
    assert stored["defaults"]["admin_penalty"] == authority

    # A new session of the department (another browser, no draft): the form opens with them.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live.base)
    other = context.new_page()
    try:
        portal_login(other, user)
        open_entry(other)
        for name, value in authority.items():
            expect(other.locator(f"#f-{name}")).to_have_value(value)
        expect(other.locator("#f-CF_SJLYDM")).to_have_value("")
        expect(other.locator("#f-CF_WSH")).to_have_value("")
        shot(other, "loop-entry-defaults-desktop")
    finally:
        context.close()


def test_lookup_fills_the_name_from_the_code_and_the_code_from_an_exact_name(live, page, shot):
    ent = make_enterprise(live)
    portal_login(page, "op-d12")
    open_entry(page)
    page.locator("#f-CF_XDR_SHXYM").fill(ent["uscc"])
    page.locator("#f-CF_XDR_SHXYM").press("Tab")                       # change → look-up
    expect(page.locator("#f-CF_XDR_MC")).to_have_value(ent["name"])
    expect(page.locator("#f-lookup")).to_contain_text("已按登记信息填入企业名称")
    shot(page, "loop-entry-lookup-desktop")

    # A different name typed before the code: the page offers the registered one.
    page.locator("#entry-reset").click()
    page.locator("#f-CF_XDR_MC").fill("广元市随便写的名称有限公司")
    page.locator("#f-CF_XDR_SHXYM").fill(ent["uscc"])
    page.locator("#f-CF_XDR_SHXYM").press("Tab")
    expect(page.locator("#f-lookup")).to_contain_text(f"登记名称为「{ent['name']}」")
    page.locator("#f-use-name").click()
    expect(page.locator("#f-CF_XDR_MC")).to_have_value(ent["name"])

    # And the code from an exact name (the public search: once forwarded).
    publish(live)
    page.locator("#entry-reset").click()
    page.locator("#f-CF_XDR_MC").fill(ent["name"])
    page.locator("#f-CF_XDR_MC").press("Tab")
    expect(page.locator("#f-CF_XDR_SHXYM")).to_have_value(ent["uscc"])
    expect(page.locator("#f-lookup")).to_contain_text("已按登记名称填入统一社会信用代码")


def test_a_draft_survives_a_forced_401_a_relogin_and_a_reload(live, page, shot):
    ent = make_enterprise(live)
    record = penalty_for(ent, CF_WSH=f"广环罚〔2026〕D{ent['suffix']}号")
    portal_login(page, "op-d12")
    open_entry(page)
    page.locator("#f-CF_WSH").fill(record["CF_WSH"])
    page.locator("#f-CF_XDR_MC").fill(ent["name"])
    page.locator("#f-CF_NR").fill("半途输入的处罚内容")
    # The token expires on the server's side (a tampered signature is refused like an expired one);
    # the page still believes it is logged in until the next request answers 401.
    page.evaluate("""() => { const t = sessionStorage.getItem('qygs.token');
        sessionStorage.setItem('qygs.token', t.slice(0, -6) + (t.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA')); }""")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#login-view")).to_be_visible()
    expect(page.locator("#login-msg")).to_contain_text("登录已失效")
    shot(page, "loop-draft-401-desktop")

    page.get_by_label("用户名").fill("op-d12")
    page.get_by_label("密码").fill("Guangyuan#2026")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#who-text")).to_contain_text("op-d12", timeout=20_000)   # login, catalog, defaults
    expect(page.locator("#view-entry")).to_be_visible(timeout=20_000)
    expect(page.locator("#f-CF_WSH")).to_have_value(record["CF_WSH"])
    expect(page.locator("#f-CF_XDR_MC")).to_have_value(ent["name"])
    expect(page.locator("#f-CF_NR")).to_have_value("半途输入的处罚内容")
    expect(page.locator("#entry-draft")).to_contain_text("已恢复")
    shot(page, "loop-draft-restored-desktop")

    page.reload()
    expect(page.locator("#f-CF_NR")).to_have_value("半途输入的处罚内容")

    # Submitted: the draft is gone.
    fill_record_form(page, "f", record)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#entry-result")).to_contain_text("提交成功")
    page.reload()
    expect(page.locator("#f-CF_WSH")).to_have_value("")
    expect(page.locator("#entry-draft")).to_be_hidden()

    # A draft can also be thrown away.
    page.locator("#f-CF_NR").fill("不要了")
    page.reload()
    expect(page.locator("#f-CF_NR")).to_have_value("不要了")
    page.locator("#draft-discard").click()
    expect(page.locator("#f-CF_NR")).to_have_value("")
    page.reload()
    expect(page.locator("#entry-draft")).to_be_hidden()

    # Logging out on purpose leaves nothing typed behind on the computer.
    page.locator("#f-CF_NR").fill("共用电脑上的草稿")
    page.reload()
    expect(page.locator("#f-CF_NR")).to_have_value("共用电脑上的草稿")
    page.get_by_role("button", name="退出登录").click()
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('qygs.draft.op-d12|'))") == []
    portal_login(page, "op-d12", "/pages/portal.html#entry")
    expect(page.locator("#f-CF_NR")).to_have_value("")


def test_submit_and_enter_another_keeps_the_shared_fields(live, page, shot):
    ent = make_enterprise(live)
    record = penalty_for(ent, CF_WSH=f"广环罚〔2026〕N{ent['suffix']}号", CF_XDR_GSZC=None)
    portal_login(page, "op-d12")
    open_entry(page)
    fill_record_form(page, "f", record)
    page.get_by_role("button", name="提交并录入下一条").click()
    expect(page.locator("#entry-result")).to_contain_text("提交成功")
    expect(page.locator("#entry-result")).to_contain_text("请录入下一条")
    for name in ("CF_CFJG", "CF_SJLY", "CF_JDRQ"):
        if record.get(name):
            assert page.locator(f"#f-{name}").input_value() != "", name
    expect(page.locator("#f-CF_WSH")).to_have_value("")
    expect(page.locator("#f-CF_XDR_MC")).to_have_value("")
    expect(page.locator("#f-CF_XDR_SHXYM")).to_have_value("")
    expect(page.locator("#f-CF_WSH")).to_be_focused()
    shot(page, "loop-entry-next-desktop")


# --- 回退 inbox ---------------------------------------------------------------------------------
def test_inbox_fix_resubmit_resolved(request, live, page, phone, shot):
    probe = live.api("GET", "/v1/rejections?state=open", "op-d12")
    xfail_if_missing(request, probe, "GET /v1/rejections")
    ent = make_enterprise(live)
    ref = f"广环罚〔2026〕R{ent['suffix']}号"
    bad = penalty_for(ent, CF_WSH=ref, CF_XDR_GSZC=None, CF_XDR_SHXYM=bad_check_char(ent["uscc"]))
    out = live.api("POST", "/v1/records", "op-d12", json={"category": "admin_penalty", "records": [bad]}).json()
    assert out["rejected"] and out["rejected"][0].get("rejection_id"), out
    rejection_id = out["rejected"][0]["rejection_id"]

    portal_login(page, "op-d12")
    # The dashboard counts the open rejections and leads to the inbox.
    dash = page.locator("#dash-rejections")
    expect(dash.locator(".n")).to_have_text(re.compile(r"^[1-9]\d*\+?$"))
    dash.click()
    row = page.locator(f"#rejections-table tr[data-rejection='{rejection_id}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text(ref)
    expect(row).to_contain_text("待处理")
    shot(page, "loop-inbox-desktop")

    row.get_by_role("link", name="修改并重新提交").click()
    expect(page.locator("#fix-title")).to_contain_text(ref)
    # Pre-filled with what was sent, the error next to its field.
    expect(page.locator("#r-CF_WSH")).to_have_value(ref)
    expect(page.locator("#r-CF_XDR_MC")).to_have_value(ent["name"])
    expect(page.locator("#r-err-CF_XDR_SHXYM")).to_be_visible()
    expect(page.locator("#r-err-CF_XDR_SHXYM")).to_contain_text("校验位")
    expect(page.locator("#r-CF_XDR_SHXYM")).to_have_attribute("aria-invalid", "true")
    shot(page, "loop-fix-desktop")

    page.locator("#r-CF_XDR_SHXYM").fill(ent["uscc"])
    page.get_by_role("button", name="重新提交").click()
    expect(page.locator("#fix-msg")).to_contain_text("这条回退已自动处理")
    expect(page.locator("#fix-state")).to_have_text("已处理")
    shot(page, "loop-fix-resolved-desktop")

    page.get_by_role("link", name="返回回退待办").first.click()
    expect(page.locator(f"#rejections-table tr[data-rejection='{rejection_id}']")).to_have_count(0)
    page.locator("#rej-state").select_option("resolved")
    page.locator("#rejections-filter").get_by_role("button", name="查询").click()
    resolved = page.locator(f"#rejections-table tr[data-rejection='{rejection_id}']")
    expect(resolved).to_contain_text("已处理")
    resolved.get_by_role("link", name="已通过的记录").click()
    expect(page.locator("#record-title")).to_contain_text(ref)

    # The inbox on a phone (one open rejection as a card): no sideways scroll of the page.
    bad2 = {**bad, "CF_WSH": f"广环罚〔2026〕P{ent['suffix']}号"}
    live.api("POST", "/v1/records", "op-d12", json={"category": "admin_penalty", "records": [bad2]})
    portal_login(phone, "op-d12", "/pages/portal.html#rejections")
    expect(phone.locator("#rejections-msg")).to_contain_text(re.compile("已加载|没有"))
    no_sideways_scroll(phone)
    shot(phone, "loop-inbox-phone")


def test_inbox_dismiss_with_a_reason(request, live, page, shot):
    probe = live.api("GET", "/v1/rejections?state=open", "op-d12")
    xfail_if_missing(request, probe, "GET /v1/rejections")
    ent = make_enterprise(live)
    bad = penalty_for(ent, CF_WSH=f"广环罚〔2026〕X{ent['suffix']}号", CF_JDRQ="2026/02/30")
    out = live.api("POST", "/v1/records", "op-d12", json={"category": "admin_penalty", "records": [bad]}).json()
    rejection_id = out["rejected"][0]["rejection_id"]
    portal_login(page, "op-d12", f"/pages/portal.html#fix/{rejection_id}")
    page.goto(f"/pages/portal.html#fix/{rejection_id}")
    expect(page.locator("#fix-state")).to_have_text("待处理")
    page.get_by_role("button", name="忽略此回退").click()
    expect(page.locator("#dismiss-msg")).to_contain_text("请填写忽略原因")
    page.get_by_label("忽略原因").fill("已由纸质文书另行报送")
    page.get_by_role("button", name="忽略此回退").click()
    expect(page.locator("#fix-state")).to_have_text("已忽略")
    expect(page.locator("#fix-body")).to_contain_text("已由纸质文书另行报送")
    assert live.api("GET", f"/v1/rejections/{rejection_id}", "op-d12").json()["state"] == "dismissed"


# --- upload history ----------------------------------------------------------------------------
def _upload(live, user: str, rows: list[dict]) -> dict:
    fields = load_catalog().category("admin_penalty").fields
    wb = Workbook()
    ws = wb.active
    ws.append([f.label for f in fields])
    for r in rows:
        ws.append([r.get(f.json_name) if not isinstance(r.get(f.json_name), list) else "、".join(r[f.json_name])
                   for f in fields])
    buf = io.BytesIO()
    wb.save(buf)
    slot = live.api("POST", "/v1/uploads", user, json={"category": "admin_penalty", "filename": "历史.xlsx"}).json()
    resp = requests.post(slot["url"], data=slot["fields"], files={"file": ("历史.xlsx", buf.getvalue())}, timeout=60)
    assert resp.status_code < 300, resp.text
    return slot


def test_upload_history_shows_counts_first_errors_and_the_feedback_file(request, live, page, shot):
    probe = live.api("GET", "/v1/uploads", "op-d12")
    xfail_if_missing(request, probe, "GET /v1/uploads")
    ent = make_enterprise(live)
    good = penalty_for(ent, CF_WSH=f"广环罚〔2026〕U{ent['suffix']}号")
    bad = penalty_for(ent, CF_WSH=f"广环罚〔2026〕V{ent['suffix']}号", CF_JDRQ="2026/02/30")
    slot = _upload(live, "op-d12", [good, bad])
    for _ in range(120):              # the worker runs in the stack's pump: wait until it is done
        status = live.api("GET", f"/v1/uploads/{slot['upload_id']}", "op-d12").json()
        if status["state"] in ("done", "failed"):
            break
        page.wait_for_timeout(1000)
    assert status["state"] == "done", status
    portal_login(page, "op-d12")
    page.get_by_role("link", name="上传记录").click()
    card = page.locator(f"article[data-upload='{slot['upload_id']}']")
    expect(card).to_contain_text("已完成")
    expect(card.locator(".upload-counts")).to_contain_text("1通过")
    expect(card.locator(".upload-counts")).to_contain_text("1回退")
    if card.locator("details").get_attribute("open") is None:
        card.locator("summary").click()
    expect(card.locator(".upload-errors")).to_contain_text("第 3 行")
    expect(card.locator(".upload-errors")).to_contain_text(bad["CF_WSH"])
    shot(page, "loop-uploads-desktop")
    with page.expect_download() as info:
        card.get_by_role("button", name="下载回退文件（含错误原因）").click()
    with open(info.value.path(), "rb") as fh:
        sheet = load_workbook(io.BytesIO(fh.read()), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert list(header[:3]) == ["原行号", "错误原因", "修改建议"]

    # An uploaded row opens in the entry form like any rejection: pre-filled, the error at its field.
    card.locator(".upload-errors").get_by_role("link", name="修改第 3 行").click()
    expect(page.locator("#r-CF_WSH")).to_have_value(bad["CF_WSH"])
    expect(page.locator("#r-CF_XDR_MC")).to_have_value(ent["name"])
    expect(page.locator("#r-err-CF_JDRQ")).to_be_visible()
    expect(page.locator("#fix-body")).to_contain_text("批量上传 第 3 行")


# --- records list search, withdraw text ---------------------------------------------------------
def test_records_list_searches_on_the_server(request, live, page, shot):
    ent = make_enterprise(live)
    if records_search_missing(live, ent["uscc"]):
        request.node.add_marker(pytest.mark.xfail(strict=False, reason="GET /v1/records ignores code: search not built yet"))
    mark = unique()
    a = submit(live, "op-d12", "admin_penalty", penalty_for(ent, CF_WSH=f"广环罚〔2026〕S{mark}1号"))
    submit(live, "op-d12", "admin_penalty", penalty_for(ent, CF_WSH=f"广环罚〔2026〕T{mark}2号"))
    portal_login(page, "op-d12")
    page.get_by_role("link", name="本部门记录").click()
    page.get_by_label("文号/编号（开头几个字）").fill(f"广环罚〔2026〕S{mark}")
    page.locator("#records-filter").get_by_role("button", name="查询").click()
    rows = page.locator("#records-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(a["source_ref"])
    page.get_by_label("文号/编号（开头几个字）").fill("")
    page.get_by_label("企业统一社会信用代码或注册号").fill(ent["uscc"])
    page.locator("#records-filter").get_by_role("button", name="查询").click()
    expect(rows).to_have_count(2)
    shot(page, "loop-records-search-desktop")


def test_withdraw_form_says_how_to_undo_it_and_reinstate_does(live, page, shot):
    ent = make_enterprise(live)
    acc = submit(live, "op-d12", "admin_penalty", penalty_for(ent, CF_WSH=f"广环罚〔2026〕W{ent['suffix']}号"))
    portal_login(page, "op-d12", f"/pages/portal.html#record/{acc['record_id']}")
    page.goto(f"/pages/portal.html#record/{acc['record_id']}")
    page.locator("#withdraw-button").click()
    expect(page.locator("#withdraw-hint")).to_contain_text("撤销可以恢复")
    page.get_by_label("撤销原因").fill("误撤测试")
    page.get_by_role("button", name="确认撤销", exact=True).click()
    expect(page.locator("#record-state")).to_have_text("已撤销")

    # …and the undo it names: reinstate with a reason, a new version in force again.
    page.locator("#reinstate-button").click()
    confirm_with_reason(page, "恢复", "撤销有误，恢复原决定")
    expect(page.locator("#record-action-msg")).to_contain_text("记录已恢复")
    expect(page.locator("#record-state")).not_to_have_text("已撤销")
    expect(page.locator("#versions li")).to_have_count(3)
    shot(page, "loop-record-reinstated-desktop")


# --- 督查 drill-down -----------------------------------------------------------------------------
def test_supervisor_clicks_a_department_and_sees_its_open_rejections_by_code_and_late_records(live, page, shot):
    ent = make_enterprise(live)
    late = submit(live, "op-d12", "admin_penalty", penalty_for(ent, CF_WSH=f"广环罚〔2026〕L{ent['suffix']}号"))
    assert late["late"], late                          # the sample's decision date is long past
    bad = penalty_for(ent, CF_WSH=f"广环罚〔2026〕C{ent['suffix']}号", CF_XDR_GSZC=None,
                      CF_XDR_SHXYM=bad_check_char(ent["uscc"]))
    live.api("POST", "/v1/records", "op-d12", json={"category": "admin_penalty", "records": [bad]})
    portal_login(page, "supervisor", "/pages/supervisor.html")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.get_by_label("起始日期（接收日期）").fill("2026-01-01")
    page.get_by_label("截止日期").fill("2026-12-31")
    page.get_by_role("button", name="查询", exact=True).click()
    page.locator("#report tbody tr[data-department=d12] button.drill-open").click()
    drill = page.locator("#drill")
    expect(drill).to_be_focused()
    expect(page.locator("#drill-title")).to_contain_text("市环保局（d12）")
    expect(page.locator("#drill-codes")).to_contain_text("USCC_CHECKSUM")
    expect(page.locator("#drill-rejections")).to_contain_text(bad["CF_WSH"])
    expect(page.locator("#drill-late")).to_contain_text(late["source_ref"])
    assert not [u for u in asked if "/v1/rejections" in u], asked   # the drill-down alone (the inbox: 403)
    shot(page, "loop-supervisor-drill-desktop")
    page.get_by_role("button", name="关闭详情").click()
    expect(drill).to_be_hidden()
    expect(page.locator("#report tbody tr[data-department=d12] button.drill-open")).to_be_focused()
