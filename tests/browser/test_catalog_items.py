"""归集公示目录 in a real browser (SPEC §5.3, issue #26 "Must show"): a department operator drafts and
submits a 目录事项, 市工商局 (d21) returns it with a reason, the department reads the reason, edits
and resubmits, 市工商局 approves, and the public 目录 lists it (page and xlsx); the 数据格式规范 page
lists a category's fields as GET /v1/catalog gives them; the entry form offers the approved item.
Screenshots at 1280 and 390 px in tests/screenshots/."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.browser.test_pages import (
    assert_accessible_basics,
    fill_record_form,
    make_enterprise,
    no_sideways_scroll,
    penalty_for,
    portal_login,
    unique,
)

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: run `bash tests/browser/ensure_browser.sh`")
expect = sync_api.expect

pytestmark = pytest.mark.browser

BASIS = "《中华人民共和国环境保护法》第五十九条"


def log_out(pg) -> None:
    pg.get_by_role("button", name="退出登录").click()
    expect(pg.locator("#login-view")).to_be_visible()


def as_user(pg, username: str, path: str) -> None:
    """Opens `path` logged in as `username` (whoever was logged in before logs out)."""
    pg.goto(path)
    # the page has decided once its login form or the logged-in user shows (both start hidden)
    pg.wait_for_function("() => !document.getElementById('who').hidden"
                         " || !document.getElementById('login-view').hidden")
    if pg.get_by_role("button", name="退出登录").is_visible():
        log_out(pg)
    portal_login(pg, username, path)


def test_an_item_is_returned_corrected_approved_and_listed_in_the_public_catalog(live, page, phone, shot):
    name = f"浏览器测试环境违法行政处罚{unique()}"

    # 1. the department (市环保局 d12) drafts the item: the form says what is missing, next to the field
    as_user(page, "op-d12", "/pages/portal.html")
    expect(page.get_by_role("link", name="事项审核")).to_be_hidden()       # 市工商局 and admins only
    page.get_by_role("link", name="归集公示事项").click()
    expect(page).to_have_url(live.base + "/pages/items.html")
    assert_accessible_basics(page)
    page.get_by_role("button", name="新建事项").click()
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.locator("#i-name-error")).to_have_text("必填")
    expect(page.get_by_label("事项名称")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("事项名称").fill(name)
    page.get_by_label("信息类别").select_option("admin_penalty")
    expect(page.locator("#i-period_override-hint")).to_contain_text("3–36 个月")
    page.get_by_label("设定依据").fill("《中华人民共和国环境保护法》")
    page.get_by_label("责任科室").fill("政策法规科")
    page.get_by_label("本事项的公示期限（月，可选）").fill("60")        # beyond the law's bounds: the API says so
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.locator("#i-period_override-error")).to_have_text("应在 3–36 个月之间")
    expect(page.locator("#item-msg")).to_contain_text("公示期限")
    shot(page, "catalog-item-form-errors-1280")
    page.get_by_label("本事项的公示期限（月，可选）").fill("12")
    page.get_by_role("button", name="保存并提交审核").click()
    row = page.locator("#items tbody tr", has_text=name)
    expect(row).to_contain_text("待审核")
    expect(page.locator("#list-msg")).to_contain_text("已提交审核")
    code = row.locator("code").inner_text()
    assert code.startswith("d12-"), code
    expect(row.get_by_role("button", name="修改")).to_have_count(0)      # under review: not editable

    # 2. another department cannot review
    as_user(page, "op-d23", "/pages/review.html")
    expect(page.locator("#list-msg")).to_contain_text("只有市工商局")
    expect(page.locator("#queue .review-item")).to_have_count(0)

    # 3. 市工商局 (d21) returns it; the reason is required by the form
    as_user(page, "op-d21", "/pages/portal.html")
    page.get_by_role("link", name="事项审核").click()
    expect(page).to_have_url(live.base + "/pages/review.html")
    card = page.locator(f"#item-{code}")
    expect(card).to_contain_text(name)
    expect(card).to_contain_text("市环保局")
    expect(card).to_contain_text("公示 12 个月")
    shot(page, "catalog-review-queue-1280")
    card.get_by_role("button", name="退回").click()
    expect(card.locator(f"#r-{code}-reason-error")).to_have_text("请填写退回原因")
    card.get_by_label("退回原因（退回时必填）").fill("设定依据须写明具体条款")
    card.get_by_role("button", name="退回").click()
    expect(page.locator(f"#item-{code}")).to_have_count(0)
    expect(page.locator("#list-msg")).to_contain_text(f"已退回：{code}")

    # 4. the department sees the reason, edits and resubmits
    as_user(page, "op-d12", "/pages/items.html")
    row = page.locator(f"#item-{code}")
    expect(row).to_contain_text("已退回")
    expect(row.locator(".reason")).to_have_text("设定依据须写明具体条款")
    shot(page, "catalog-items-returned-1280")
    row.get_by_role("button", name="修改").click()
    expect(page.get_by_label("事项名称")).to_have_value(name)
    page.get_by_label("设定依据").fill(BASIS)
    page.get_by_role("button", name="保存并提交审核").click()
    expect(row).to_contain_text("待审核")
    expect(row.locator(".reason")).to_have_text("—")

    # 5. 市工商局 approves
    as_user(page, "op-d21", "/pages/review.html")
    card = page.locator(f"#item-{code}")
    expect(card).to_contain_text(BASIS)
    card.get_by_role("button", name="审核通过").click()
    expect(page.locator(f"#item-{code}")).to_have_count(0)
    expect(page.locator("#list-msg")).to_contain_text(f"已审核通过，列入归集公示目录：{code}")

    # 6. the public 目录 lists it, filtered by department; its xlsx too
    log_out(page)
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="公示目录").click()
    expect(page).to_have_url(live.base + "/pages/catalog.html")
    assert_accessible_basics(page)
    page.get_by_label("部门", exact=True).select_option("d12")
    page.get_by_label("信息类别").select_option("admin_penalty")
    page.get_by_role("button", name="筛选").click()
    listed = page.locator(f"#items tbody tr[data-item='{code}']")
    for text in (name, "市环保局", "行政处罚信息", BASIS, "政策法规科", "公示 12 个月"):
        expect(listed).to_contain_text(text)
    expect(page.locator("#items tbody tr")).not_to_have_count(0)
    assert all("市环保局" in t for t in page.locator("#items tbody td.department").all_inner_texts())
    assert "department=d12" in page.url
    shot(page, "catalog-public-1280")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载目录（Excel）").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()), read_only=True).worksheets[0]
    assert any(code in [str(v) for v in r if v] for r in sheet.iter_rows(values_only=True))

    phone.goto(f"/pages/catalog.html?department=d12&q={name}")
    expect(phone.locator(f"#items tbody tr[data-item='{code}']")).to_contain_text(BASIS)
    no_sideways_scroll(phone)
    shot(phone, "catalog-public-390")

    # 7. the entry form offers the department's approved item
    as_user(page, "op-d12", "/pages/portal.html#entry")
    page.locator("#entry-category").select_option("admin_penalty")
    expect(page.locator("#f-item_code option", has_text=name)).to_have_attribute("value", code)
    page.locator("#f-item_code").select_option(code)
    page.locator("#f-item_code").scroll_into_view_if_needed()
    shot(page, "portal-entry-item-code-1280", full_page=False)


def test_format_rules_page_lists_every_field_of_a_category(live, page, phone, shot):
    catalog = live.api("GET", "/v1/catalog").json()
    penalty = next(c for c in catalog["categories"] if c["id"] == "admin_penalty")
    page.goto("/pages/catalog.html")
    page.get_by_role("link", name="数据格式规范").first.click()
    expect(page).to_have_url(live.base + "/pages/format-rules.html")
    assert_accessible_basics(page)
    page.get_by_role("link", name="行政处罚信息").click()
    table = page.locator("#rules-admin_penalty")
    expect(table.locator("tbody tr")).to_have_count(len(penalty["fields"]))
    for f in penalty["fields"]:
        row = table.locator(f"tbody tr[data-field='{f['json_name']}']")
        expect(row.locator("th")).to_have_text(f["label"])
        expect(row.locator("code")).to_have_text(f["code"] or f["json_name"])
        expect(row.locator("td").nth(3)).to_have_text("是" if f["required"] else "否")
    expect(page.locator("#cat-admin_penalty")).to_contain_text("公示期限：")
    expect(table).not_to_contain_text("multi_enum")           # types in Chinese, never the code
    shot(page, "format-rules-1280")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载数据格式规范（Excel）").click()
    assert info.value.suggested_filename.endswith(".xlsx")

    phone.goto("/pages/format-rules.html#cat-admin_penalty")
    expect(phone.locator("#rules-admin_penalty tbody tr")).to_have_count(len(penalty["fields"]))
    no_sideways_scroll(phone)
    shot(phone, "format-rules-390")


def test_items_and_review_pages_on_a_phone(live, phone, shot):
    made = live.api("POST", "/v1/catalog/items", "op-d12", json={
        "name": f"浏览器测试抽查检查结果{unique()}", "category": "inspection", "office": "监察执法支队",
        "legal_basis": "《中华人民共和国大气污染防治法》第二十九条；《环境监管重点单位名录管理办法》第十二条"})
    assert made.status_code == 201, made.text
    code = made.json()["item_code"]
    assert live.api("POST", f"/v1/catalog/items/{code}/submit", "op-d12", json={}).status_code == 200
    as_user(phone, "op-d12", "/pages/items.html")
    expect(phone.locator(f"#item-{code}")).to_contain_text("待审核")
    phone.get_by_role("button", name="新建事项").click()
    expect(phone.get_by_label("事项名称")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "catalog-items-editor-390")
    as_user(phone, "op-d21", "/pages/review.html")
    card = phone.locator(f"#item-{code}")
    expect(card).to_contain_text("监察执法支队")
    rules = live.api("GET", "/v1/public/format-rules?format=json").json()["categories"]
    rule = next(c["period_rule"] for c in rules if c["id"] == "inspection")
    expect(card).to_contain_text(f"按信息类别规定：{rule}")       # no period of its own: the category's
    no_sideways_scroll(phone)
    shot(phone, "catalog-review-item-390")


def test_a_strict_department_is_told_next_to_the_item_field_and_picks_it_from_the_drop_down(live, page, shot):
    """市教育局 (d05), set to report by its 目录 (strict_items): a record without a 目录事项 is refused
    with UNKNOWN_ITEM next to the field (in Chinese, the approved codes as the suggestion); picking
    the approved item from the drop-down gets it accepted."""
    assert live.api("PUT", "/v1/admin/departments/d05", "admin", json={"strict_items": True}).status_code == 200
    made = live.api("POST", "/v1/catalog/items", "op-d05", json={
        "name": f"浏览器测试教育行政处罚{unique()}", "category": "admin_penalty", "legal_basis": "《中华人民共和国民办教育促进法》第六十二条"})
    assert made.status_code == 201, made.text
    code = made.json()["item_code"]
    for user, step in (("op-d05", "submit"), ("op-d21", "approve")):
        r = live.api("POST", f"/v1/catalog/items/{code}/{step}", user, json={})
        assert r.status_code == 200, r.text

    ent = make_enterprise(live)
    record = penalty_for(ent, CF_WSH=f"广教罚〔2026〕S{ent['suffix']}号", CF_XDR_GSZC=None)
    as_user(page, "op-d05", "/pages/portal.html#entry")
    page.locator("#view-entry").get_by_label("信息类别").select_option("admin_penalty")
    fill_record_form(page, "f", record)
    page.get_by_role("button", name="提交", exact=True).click()
    error = page.locator("#f-err-item_code")
    expect(error).to_contain_text("须填写「目录事项编码」")
    expect(error.locator(".suggestion")).to_contain_text(code)
    expect(page.locator("#f-item_code")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error:visible")).to_have_count(1)
    page.locator("#f-item_code").scroll_into_view_if_needed()
    shot(page, "portal-entry-unknown-item-1280", full_page=False)
    page.locator("#f-item_code").select_option(code)
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#entry-result")).to_contain_text("提交成功")
