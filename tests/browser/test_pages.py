"""The web pages in a real browser (Debian's Chromium, headless) against the full local stack.

Must show (issue "Web pages: department portal and public enterprise search"):
- an operator logs in, uploads a workbook, sees the counts and opens the 回退 file link;
- an operator enters a record by hand with one invalid field, sees the message next to that
  field, fixes it and submits;
- the public searches, opens the enterprise page and sees the record.
Scenarios on routes that may not be built yet (uploads, templates, reports) are marked xfail at
run time, and only while the route is missing (404, or API Gateway's bare 403).
"""
from __future__ import annotations

import io
import random
import re

import pytest

from chalicelib.catalog import load_catalog
from chalicelib.domain.identifiers import USCC_ALPHABET, make_regno, make_uscc
from chalicelib.local.demo_data import sample_record

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: run `bash tests/browser/ensure_browser.sh`")
expect = sync_api.expect

pytestmark = pytest.mark.browser

CATALOG = load_catalog()
PENALTY = CATALOG.category("admin_penalty")
UPLOAD_TIMEOUT_MS = 120_000


# --- helpers --------------------------------------------------------------------------------
def unique() -> str:
    return f"{random.randrange(10**6):06d}"


def make_enterprise(live, suffix: str | None = None) -> dict:
    """A new 利州区 enterprise in the registry (a `registration` record by the registry authority)."""
    suffix = suffix or unique()
    ent = {"name": f"广元市浏览器测试{suffix}有限公司", "uscc": make_uscc(f"91510802MA6{suffix}"),
           "regno": make_regno(f"51080201{suffix}")}
    rec = sample_record("registration", **ent)
    r = live.api("POST", "/v1/records", "op-d21", json={"category": "registration", "records": [rec]})
    assert r.status_code == 200 and r.json()["accepted"], r.text
    return {**ent, "suffix": suffix}


def penalty_for(ent: dict, **overrides) -> dict:
    fields = {"CF_XDR_MC": ent["name"], "CF_XDR_SHXYM": ent["uscc"], "CF_XDR_GSZC": ent["regno"],
              "CF_WSH": f"广环罚〔2026〕B{unique()}号", **overrides}
    return sample_record("admin_penalty", **fields)


def submit(live, user: str, category: str, record: dict) -> dict:
    r = live.api("POST", "/v1/records", user, json={"category": category, "records": [record]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["accepted"], body
    return body["accepted"][0]


def publish(live) -> dict:
    r = live.api("POST", "/v1/admin/jobs/forward", "admin", json={})
    assert r.status_code == 200, r.text
    return r.json()


def route_missing(resp) -> bool:
    """A route not built yet: 404, or API Gateway's / chalice local's 403 without the platform's
    {"error": …} body (every answer of the app itself has one)."""
    if resp.status_code not in (403, 404):
        return False
    try:
        body = resp.json()
    except ValueError:
        return True
    return resp.status_code == 404 or not (isinstance(body, dict) and "error" in body)


def xfail_if_missing(request, resp, what: str) -> None:
    if route_missing(resp):
        request.node.add_marker(pytest.mark.xfail(
            strict=False, reason=f"{what} answers {resp.status_code}: route not built yet"))


def records_search_missing(live, code: str) -> bool:
    """True while GET /v1/records ignores its search parameters (the route of #23 not built yet)."""
    items = live.api("GET", f"/v1/records?code={code}&limit=200", "op-d12").json().get("items", [])
    return any(r.get("enterprise_code") not in (code, None) for r in items)


def confirm_with_reason(pg, action: str, reason: str) -> None:
    """A record action's reason form (撤销, 恢复): refused without a reason, then done with one."""
    pg.get_by_role("button", name=f"确认{action}", exact=True).click()
    expect(pg.locator("#record-action-msg")).to_contain_text(f"请填写{action}原因")
    pg.get_by_label(f"{action}原因").fill(reason)
    pg.get_by_role("button", name=f"确认{action}", exact=True).click()


def portal_login(pg, username: str, path: str = "/pages/portal.html") -> None:
    pg.goto(path)
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill("Guangyuan#2026")
    pg.get_by_role("button", name="登录", exact=True).click()
    expect(pg.locator("#who-text")).to_contain_text(username)


def fill_record_form(pg, prefix: str, record: dict) -> None:
    """Fills the generated form (ids `<prefix>-<json_name>`) from a record keyed by json_name."""
    category = PENALTY
    for f in category.fields:
        if f.json_name not in record:
            continue
        value = record[f.json_name]
        if f.type.value == "multi_enum":
            chosen = value if isinstance(value, list) else re.split(r"[、,;]", value)
            for box in pg.locator(f"input[name='{f.json_name}']").all():
                box.set_checked(box.get_attribute("value") in chosen)
        elif f.type.value == "enum":
            pg.locator(f"#{prefix}-{f.json_name}").select_option(str(value))
        elif f.type.value == "date":
            pg.locator(f"#{prefix}-{f.json_name}").fill(str(value).replace("/", "-"))
        else:
            pg.locator(f"#{prefix}-{f.json_name}").fill(str(value))


def bad_check_char(uscc: str) -> str:
    wrong = next(c for c in USCC_ALPHABET if c != uscc[-1])
    return uscc[:-1] + wrong


def no_sideways_scroll(pg) -> None:
    overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a {pg.viewport_size['width']}px screen"


UNLABELLED_JS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.id || e.name || e.outerHTML.slice(0, 80))"""


def assert_accessible_basics(pg) -> None:
    assert pg.evaluate("document.documentElement.lang") == "zh-CN"
    assert pg.evaluate("!!document.querySelector('meta[name=viewport]')")
    assert pg.evaluate(UNLABELLED_JS) == []


# --- public side ----------------------------------------------------------------------------
def test_public_search_enterprise_page_and_record(live, page, phone, shot):
    ent = make_enterprise(live)
    wsh = f"广环罚〔2026〕P{ent['suffix']}号"
    submit(live, "op-d12", "admin_penalty", penalty_for(
        ent, CF_WSH=wsh, CF_CFLB="罚款、责令停产停业", CF_YXQ="2099/12/31",
        CF_NR="罚款人民币伍万元，责令停产整治"))
    summary = publish(live)
    assert summary, summary

    # Landing → search by a name fragment (keyboard only: type and press Enter).
    page.goto("/")
    assert_accessible_basics(page)
    shot(page, "public-landing-desktop")
    box = page.get_by_label("企业名称或统一社会信用代码")
    box.fill(f"浏览器测试{ent['suffix']}")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/pages/public\.html\?q="))
    result = page.locator("#results li a.name", has_text=ent["name"])
    expect(result).to_have_count(1)
    expect(page.locator("#results")).to_contain_text(ent["uscc"])
    shot(page, "public-results-desktop")

    # Enterprise page: profile, credit-check badge, one tab per category.
    result.click()
    expect(page).to_have_url(re.compile(r"/pages/enterprise\.html\?code="))
    expect(page.locator("#ent-name")).to_have_text(ent["name"])
    expect(page.locator("#credit-badge")).to_contain_text("受限")
    expect(page.locator("#credit-reasons")).to_contain_text("责令停产停业")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(len(CATALOG.categories))
    penalty_tab = page.get_by_role("tab", name=re.compile("行政处罚"))
    expect(penalty_tab).to_contain_text("(1)")
    penalty_tab.click()
    expect(penalty_tab).to_have_attribute("aria-selected", "true")
    panel = page.locator("#panel-admin_penalty")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text(wsh)
    expect(panel).to_contain_text("处罚类别")          # labels come from the catalog
    expect(panel).to_contain_text("长期")
    expect(panel).not_to_contain_text("510802198001011234")   # 法定代表人证件号码: 非公示项
    # Keyboard: arrow keys move between tabs.
    penalty_tab.focus()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name=re.compile("行政许可"))).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-admin_penalty")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(penalty_tab).to_be_focused()
    assert_accessible_basics(page)
    shot(page, "public-enterprise-desktop")

    # The same on a phone: no sideways scrolling, the record readable.
    phone.goto("/")
    no_sideways_scroll(phone)
    shot(phone, "public-landing-phone")
    phone.goto(f"/pages/enterprise.html?code={ent['uscc']}#admin_penalty")
    expect(phone.locator("#panel-admin_penalty")).to_contain_text(wsh)
    expect(phone.locator("#credit-badge")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "public-enterprise-phone")


def test_public_search_messages(live, page):
    page.goto("/pages/public.html")
    box = page.get_by_label("企业名称或统一社会信用代码")
    box.fill("广")
    box.press("Enter")
    expect(page.locator("#status")).to_contain_text("至少两个字")
    box.fill("没有这家企业的名字")
    box.press("Enter")
    expect(page.locator("#status")).to_contain_text("未查询到")
    page.goto("/pages/enterprise.html?code=91510802MA6999999X")
    expect(page.locator("#status")).to_contain_text("未找到")


def test_open_data_page(live, page, shot):
    r = live.api("POST", "/v1/admin/jobs/open_data", "admin", json={})
    assert r.status_code == 200, r.text
    page.goto("/pages/opendata.html")
    rows = page.locator("#files tbody tr")
    expect(rows.first).to_be_visible()
    link = rows.first.locator("a.dl-jsonl")
    expect(link).to_have_count(1)
    resp = page.request.get(link.get_attribute("href"))
    assert resp.ok, resp.status
    assert_accessible_basics(page)
    shot(page, "public-opendata-desktop")


# --- department portal ----------------------------------------------------------------------
def test_login_by_keyboard_and_bad_password(live, page, phone, shot):
    page.goto("/pages/portal.html")
    assert_accessible_basics(page)
    page.get_by_label("用户名").fill("op-d12")
    page.get_by_label("密码").fill("wrong-password")
    page.keyboard.press("Enter")
    expect(page.locator("#login-msg")).to_contain_text("用户名或密码错误")
    shot(page, "portal-login-error-desktop")
    page.get_by_label("用户名").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    page.keyboard.type("Guangyuan#2026")
    page.keyboard.press("Enter")
    expect(page.locator("#who-text")).to_contain_text("市环保局")
    assert page.evaluate("sessionStorage.getItem('qygs.token')")
    # Dashboard of the department's submissions.
    expect(page.locator("#stats .stat")).to_have_count(9)          # 8 counts of records + the open 回退
    expect(page.locator("#dash-rejections")).to_have_attribute("href", "#rejections")
    expect(page.locator("#stats")).to_contain_text("记录总数")
    shot(page, "portal-dashboard-desktop")
    page.get_by_role("button", name="退出登录", exact=True).click()
    expect(page.locator("#login-view")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('qygs.token')") is None

    portal_login(phone, "op-d12")
    expect(phone.locator("#stats .stat")).to_have_count(9)
    expect(phone.locator("#recent-box table")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "portal-dashboard-phone")


def test_manual_entry_error_next_to_field_then_fix(live, page, phone, shot):
    ent = make_enterprise(live)
    # Only the credit code identifies the party (a matching 注册号 would tie it to the registry anyway).
    record = penalty_for(ent, CF_WSH=f"广环罚〔2026〕M{ent['suffix']}号", CF_XDR_GSZC=None)
    portal_login(page, "op-d12")
    page.get_by_role("link", name="单条录入").click()
    page.locator("#view-entry").get_by_label("信息类别").select_option("admin_penalty")
    expect(page.locator("#f-CF_WSH")).to_be_visible()
    assert_accessible_basics(page)

    # One invalid field: the credit code with a wrong check character.
    fill_record_form(page, "f", {**record, "CF_XDR_SHXYM": bad_check_char(ent["uscc"])})
    page.get_by_role("button", name="提交", exact=True).click()
    error = page.locator("#f-err-CF_XDR_SHXYM")
    expect(error).to_be_visible()
    expect(error).to_contain_text("校验位")
    expect(error).to_contain_text(f"末位校验码应为「{ent['uscc'][-1]}」")      # the suggestion
    expect(page.locator("#f-CF_XDR_SHXYM")).to_have_attribute("aria-invalid", "true")
    described = page.locator("#f-CF_XDR_SHXYM").get_attribute("aria-describedby")
    assert "f-err-CF_XDR_SHXYM" in described.split()
    expect(page.locator(".field-error:visible")).to_have_count(1)          # only that field
    expect(page.locator("#f-summary")).to_be_focused()
    expect(page.locator("#f-summary")).to_contain_text("统一社会信用代码")
    shot(page, "portal-entry-error-desktop")

    # The summary link takes the keyboard to the field; fix it and submit.
    page.locator("#f-summary a").first.click()
    expect(page.locator("#f-CF_XDR_SHXYM")).to_be_focused()
    page.locator("#f-CF_XDR_SHXYM").fill(ent["uscc"])
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#entry-result")).to_contain_text("提交成功")
    expect(page.locator("#entry-result")).to_contain_text(record["CF_WSH"])
    expect(page.locator(".field-error:visible")).to_have_count(0)
    shot(page, "portal-entry-accepted-desktop")
    page.locator("#entry-record-link").click()
    expect(page.locator("#record-title")).to_contain_text(record["CF_WSH"])
    expect(page.locator("#versions li")).to_have_count(1)

    # The same form on a phone, with the error shown next to the field.
    portal_login(phone, "op-d12")
    phone.get_by_role("link", name="单条录入").click()
    phone.locator("#view-entry").get_by_label("信息类别").select_option("admin_penalty")
    fill_record_form(phone, "f", {**record, "CF_WSH": f"广环罚〔2026〕Q{ent['suffix']}号",
                                  "CF_XDR_SHXYM": bad_check_char(ent["uscc"])})
    phone.get_by_role("button", name="提交", exact=True).click()
    expect(phone.locator("#f-err-CF_XDR_SHXYM")).to_be_visible()
    no_sideways_scroll(phone)
    phone.locator("#f-CF_XDR_SHXYM").scroll_into_view_if_needed()
    shot(phone, "portal-entry-error-phone-viewport", full_page=False)
    shot(phone, "portal-entry-error-phone")


def test_records_list_view_modify_and_withdraw(request, live, page, shot):
    ent = make_enterprise(live)
    record = penalty_for(ent)
    accepted = submit(live, "op-d12", "admin_penalty", record)
    portal_login(page, "op-d12")
    page.get_by_role("link", name="本部门记录").click()
    view = page.locator("#view-records")
    view.get_by_label("信息类别").select_option("admin_penalty")
    view.get_by_label("状态").select_option("accepted")
    view.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#records-msg")).to_contain_text("已加载")
    row_link = page.get_by_role("link", name=record["CF_WSH"])
    while row_link.count() == 0 and page.locator("#records-more").is_visible():
        page.locator("#records-more").click()
        expect(page.locator("#records-msg")).to_contain_text("已加载")
    # The search runs on the server (#23): the enterprise's code finds its one record.
    if records_search_missing(live, ent["uscc"]):
        request.node.add_marker(pytest.mark.xfail(strict=False, reason="GET /v1/records ignores code: search not built yet"))
    page.get_by_label("企业统一社会信用代码或注册号").fill(ent["uscc"])
    view.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#records-table tbody tr")).to_have_count(1)
    shot(page, "portal-records-desktop")
    row_link.click()
    expect(page).to_have_url(re.compile(f"#record/{accepted['record_id']}$"))
    expect(page.locator("#record-state")).to_have_text("已归集")
    expect(page.locator("#record-body")).to_contain_text("违法事实")

    # Modify: a future decision date comes back as a field error (400), then a real change.
    page.get_by_role("button", name="修改", exact=True).click()
    page.locator("#e-CF_JDRQ").fill("2099-01-01")
    page.get_by_role("button", name="保存修改", exact=True).click()
    expect(page.locator("#e-err-CF_JDRQ")).to_contain_text("不能晚于今天")
    page.locator("#e-CF_JDRQ").fill(record["CF_JDRQ"].replace("/", "-"))
    page.locator("#e-CF_NR").fill("罚款人民币陆万元")
    page.get_by_role("button", name="保存修改", exact=True).click()
    expect(page.locator("#record-action-msg")).to_contain_text("第 2 版")
    expect(page.locator("#versions li")).to_have_count(2)
    expect(page.locator("#versions li").first).to_contain_text("修改了：处罚内容")
    expect(page.locator("#record-body dd[data-field=CF_NR]")).to_have_text("罚款人民币陆万元")

    # A concurrent change elsewhere → 409 shown with a reload button.
    page.get_by_role("button", name="修改", exact=True).click()
    r = live.api("PUT", f"/v1/records/{accepted['record_id']}", "op-d12",
                 json={**record, "CF_NR": "罚款人民币柒万元"})
    assert r.status_code == 200, r.text
    page.locator("#e-CF_NR").fill("罚款人民币捌万元")
    page.get_by_role("button", name="保存修改", exact=True).click()
    expect(page.locator("#record-action-msg")).to_contain_text("已被他人修改")
    page.get_by_role("button", name="重新加载", exact=True).click()
    expect(page.locator("#versions li")).to_have_count(3)

    # Withdraw with a reason.
    page.get_by_role("button", name="撤销", exact=True).click()
    confirm_with_reason(page, "撤销", "决定书已被复议撤销")
    expect(page.locator("#record-state")).to_have_text("已撤销")
    expect(page.locator("#record-body")).to_contain_text("决定书已被复议撤销")
    expect(page.get_by_role("button", name="修改", exact=True)).to_have_count(0)
    shot(page, "portal-record-withdrawn-desktop")


def _workbook(ent: dict, suffix: str) -> tuple[bytes, list[dict]]:
    """An xlsx with the Chinese headers: two valid rows and one with a wrong check character."""
    from openpyxl import Workbook

    rows = [penalty_for(ent, CF_WSH=f"广环罚〔2026〕U{suffix}{i}号") for i in range(3)]
    rows[1]["CF_XDR_SHXYM"] = bad_check_char(ent["uscc"])
    rows[1].pop("CF_XDR_GSZC", None)
    wb = Workbook()
    ws = wb.active
    ws.title = "行政处罚"
    fields = [f for f in PENALTY.fields if f.json_name not in ("disclosure", "masked_fields", "procedure")]
    ws.append([f.label for f in fields])
    for r in rows:
        ws.append([r.get(f.json_name, "") for f in fields])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), rows


def test_upload_workbook_counts_and_feedback_file(request, live, page, shot, tmp_path):
    probe = live.api("POST", "/v1/uploads", "op-d12", json={})   # 400 once the route exists
    xfail_if_missing(request, probe, "POST /v1/uploads")
    ent = make_enterprise(live)
    data, rows = _workbook(ent, ent["suffix"])
    path = tmp_path / "行政处罚-上传.xlsx"
    path.write_bytes(data)

    portal_login(page, "op-d12")
    page.get_by_role("link", name="批量上传").click()
    page.locator("#view-upload").get_by_label("信息类别").select_option("admin_penalty")
    page.get_by_label(re.compile("Excel 文件")).set_input_files(str(path))
    page.get_by_role("button", name="上传并校验", exact=True).click()
    expect(page.locator("#upload-progress")).to_be_visible()
    counts = page.locator("#upload-counts")
    expect(counts).to_be_visible(timeout=UPLOAD_TIMEOUT_MS)
    expect(counts).to_contain_text("3数据行")
    expect(counts).to_contain_text("2通过")
    expect(counts).to_contain_text("1回退")
    expect(page.locator("#upload-phase")).to_have_text("处理完成")
    link = page.locator("#feedback-link")
    expect(link).to_be_visible()
    shot(page, "portal-upload-done-desktop")

    # Open the 回退 file: an xlsx with the rejected row and its 错误原因.
    resp = page.request.get(link.get_attribute("href"))
    assert resp.ok, resp.status
    body = resp.body()
    assert body[:2] == b"PK", body[:100]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    flat = "\n".join(" ".join(str(c) for c in row if c is not None) for row in values)
    assert "错误原因" in flat
    assert rows[1]["CF_WSH"] in flat
    assert rows[0]["CF_WSH"] not in flat


def test_upload_of_a_broken_file_shows_why_nothing_was_stored(request, live, page, shot, tmp_path):
    probe = live.api("POST", "/v1/uploads", "op-d12", json={})
    xfail_if_missing(request, probe, "POST /v1/uploads")
    path = tmp_path / "不是表格.xlsx"
    path.write_bytes(b"this is not a workbook\n" * 20)
    portal_login(page, "op-d12")
    page.get_by_role("link", name="批量上传").click()
    page.locator("#view-upload").get_by_label("信息类别").select_option("admin_penalty")
    page.get_by_label(re.compile("Excel 文件")).set_input_files(str(path))
    page.get_by_role("button", name="上传并校验", exact=True).click()
    error = page.locator("#upload-error")
    expect(error).to_be_visible(timeout=UPLOAD_TIMEOUT_MS)
    expect(error).to_contain_text("没有任何一行入库")
    expect(page.locator("#upload-phase")).to_have_text("处理失败")
    expect(page.locator("#feedback-link")).to_have_count(0)
    shot(page, "portal-upload-failed-desktop")


def test_admin_acts_for_a_chosen_department(live, page):
    portal_login(page, "admin")
    box = page.get_by_label("代表部门（管理员）")
    expect(box).to_be_visible()
    box.select_option("d23")
    expect(page.locator("#app-title")).to_contain_text("市食品药品监管局")
    page.get_by_role("link", name="本部门记录").click()
    expect(page.locator("#records-msg")).to_contain_text("已加载")
    expect(page.locator("#records-table tbody")).to_contain_text("行政许可信息")
    page.get_by_role("link", name="单条录入").click()
    # the drop-down is filled once the catalog (and the department's 目录事项) arrived
    expect(page.locator("#entry-category option", has_text="行政许可信息")).to_have_count(1)
    options = page.locator("#entry-category option").all_inner_texts()
    assert "行政许可信息" in options and "企业登记基本信息" not in options


def test_template_download_links(request, live, page):
    probe = live.api("GET", "/v1/templates/admin_penalty")
    xfail_if_missing(request, probe, "GET /v1/templates/{category}")
    portal_login(page, "op-d12")
    page.get_by_role("link", name="批量上传").click()
    links = page.locator("a.template-link")
    expect(links).to_have_count(4)   # 市环保局: admin_license, admin_penalty, inspection, other
    with page.expect_download() as info:
        page.locator("a.template-link[data-category=admin_penalty]").click()
    download = info.value
    content = open(download.path(), "rb").read()
    assert content[:2] == b"PK"
    from openpyxl import load_workbook

    headers = [c.value for c in next(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(max_row=1))]
    assert "行政处罚决定书文号" in headers
    expect(page.locator("#template-msg")).to_contain_text("已下载")


# --- 督查 -------------------------------------------------------------------------------------
def test_supervisor_report_table_and_xlsx(request, live, page, phone, shot):
    probe = live.api("GET", "/v1/reports/departments?format=json", "supervisor")
    xfail_if_missing(request, probe, "GET /v1/reports/departments")
    portal_login(page, "supervisor", "/pages/supervisor.html")
    page.get_by_label("起始日期（接收日期）").fill("2026-01-01")
    page.get_by_label("截止日期").fill("2026-12-31")
    page.get_by_role("button", name="查询", exact=True).click()
    expect(page.locator("#report-caption")).to_contain_text("2026-01-01 至 2026-12-31")
    expect(page.locator("#report")).to_be_visible()
    expect(page.locator("#report tbody tr[data-department=d12]")).to_contain_text("市环保局")
    expect(page.locator("#report tfoot")).to_contain_text("合计")
    assert page.locator("#report tbody tr").count() >= 43
    # Sort by 回退 (descending first) with the keyboard.
    page.locator("#report thead th[data-key=rejected] button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#report thead th[data-key=rejected]")).to_have_attribute("aria-sort", "descending")
    assert_accessible_basics(page)
    shot(page, "supervisor-report-desktop")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    assert open(info.value.path(), "rb").read(2) == b"PK"

    portal_login(phone, "supervisor", "/pages/supervisor.html")
    expect(phone.locator("#report")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "supervisor-report-phone")
