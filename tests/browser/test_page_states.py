"""Issue 21 — the pages as the public and a supervisor use them, in real Chromium.

Each test fails on the pages as they were before the issue: `hidden` elements shown by a
`display` rule (a dead 退出登录, a 加载更多 on single-page results that repeats them), search
results without tags, an enterprise page that prints one tab, a supervisor xlsx whose header
differs from the page's table, and pages with serious accessibility violations (axe-core).
"""
from __future__ import annotations

import io
import random
import re

import pytest
from test_pages import make_enterprise, no_sideways_scroll, penalty_for, portal_login, publish, submit, unique

from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.local.demo_data import sample_record

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: run `bash tests/browser/ensure_browser.sh`")
expect = sync_api.expect

pytestmark = pytest.mark.browser

# Every element the page marks `hidden` yet the browser renders.
VISIBLE_HIDDEN_JS = """() => Array.from(document.querySelectorAll('[hidden]'))
  .filter(e => getComputedStyle(e).display !== 'none')
  .map(e => e.id || e.className || e.tagName)"""

POOL = "春夏秋冬东南西北金木水火土山川河海天地日月星云雷江湖松竹梅兰菊桃李杏柳桂荷莲梨枣橙柚瓜豆麦米禾苗林森石玉珠"
PUBLIC_PAGES = ["/", "/pages/public.html", "/pages/opendata.html", "/pages/scorecards.html",
                "/pages/portal.html", "/pages/supervisor.html", "/pages/fields.html", "/pages/accessibility.html",
                "/pages/catalog.html", "/pages/format-rules.html", "/pages/items.html", "/pages/review.html"]


def settle(pg) -> None:
    pg.wait_for_load_state("networkidle")


def load_all(pg, pages: int = 10) -> None:
    """Clicks 加载更多 while there is more (a name search may span pages of its index)."""
    expect(pg.locator("#status")).to_contain_text("查询到")
    more = pg.get_by_role("button", name="加载更多")
    for _ in range(pages):
        if not more.is_visible():
            return
        more.click()
        expect(pg.locator("#status")).not_to_contain_text("正在查询")
    expect(more).to_be_hidden()


# --- 1. hidden means hidden -------------------------------------------------------------------
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_visible_element_carries_hidden(live, page, path):
    page.goto(path)
    settle(page)
    assert page.evaluate(VISIBLE_HIDDEN_JS) == []
    # An anonymous visitor has nobody to log out.
    expect(page.get_by_role("button", name="退出登录")).to_be_hidden()


def test_search_single_page_has_no_more_button(live, page):
    ent = make_enterprise(live)
    publish(live)
    page.goto(f"/pages/public.html?q=浏览器测试{ent['suffix']}")
    expect(page.locator("#results li")).to_have_count(1)
    expect(page.locator("#status")).to_contain_text("查询到 1 家企业")
    expect(page.get_by_role("button", name="加载更多")).to_be_hidden()
    assert page.evaluate(VISIBLE_HIDDEN_JS) == []


def test_search_paging_never_repeats_an_item(live, page):
    """More enterprises than one page (50) under one name fragment: 加载更多 until it is gone,
    every enterprise listed exactly once."""
    suffix = unique()
    # A fragment of Chinese characters only: its search token is not a digit pair, so these 55
    # names never crowd the token of another test's numbered names.
    rnd = random.Random(suffix)
    fragment = "翻页" + "".join(rnd.sample(POOL, 3))
    names = []
    records = []
    for i in range(55):
        tail = f"{suffix[:4]}{i:02d}"
        name = f"广元市{fragment}{POOL[i // len(POOL)]}{POOL[i % len(POOL)]}商贸有限公司"
        names.append(name)
        records.append(sample_record("registration", name=name, uscc=make_uscc(f"91510802MA7{tail}"),
                                     regno=make_regno(f"51080202{tail}")))
    r = live.api("POST", "/v1/records", "op-d21", json={"category": "registration", "records": records})
    assert r.status_code == 200 and len(r.json()["accepted"]) == 55, r.text
    publish(live)
    page.goto(f"/pages/public.html?q={fragment}")
    expect(page.locator("#status")).to_contain_text("查询到")
    more = page.get_by_role("button", name="加载更多")
    for _ in range(10):
        if not more.is_visible():
            break
        before = page.locator("#results li").count()
        more.click()
        expect(page.locator("#status")).not_to_contain_text("正在查询")
        assert page.locator("#results li").count() >= before
    expect(more).to_be_hidden()
    shown = page.locator("#results li a.name").all_inner_texts()
    assert len(shown) == len(set(shown)), "an enterprise is listed twice"
    assert sorted(shown) == sorted(names)
    expect(page.locator("#status")).to_contain_text("查询到 55 家企业")


def test_records_list_more_button_only_while_there_is_more(live, page):
    portal_login(page, "op-d12")
    page.get_by_role("link", name="本部门记录").click()
    expect(page.locator("#records-msg")).to_contain_text("已加载")
    more = page.locator("#records-more")
    for _ in range(20):
        if not more.is_visible():
            break
        more.click()
        expect(page.locator("#records-msg")).to_contain_text("已加载")
    expect(more).to_be_hidden()
    expect(page.locator("#records-msg")).not_to_contain_text("还有更多")
    ids = [a.get_attribute("href") for a in page.locator("#records-table tbody a").all()]
    assert ids and len(ids) == len(set(ids)), "a record is listed twice"
    assert page.evaluate(VISIBLE_HIDDEN_JS) == []


# --- 2. the supervisor's report: the page and its xlsx are one table ---------------------------
def test_supervisor_xlsx_header_equals_page_header(live, page, shot):
    portal_login(page, "supervisor", "/pages/supervisor.html")
    expect(page.locator("#who-text")).to_contain_text("督查")
    expect(page.locator("#report tbody tr[data-department=d12]")).to_contain_text("市环保局")
    expect(page.locator("#report-caption")).to_contain_text(re.compile(r"生成时间：\d{4}年\d{2}月\d{2}日"))
    headers = [t.replace("▲", "").replace("▼", "").strip() for t in page.locator("#report thead th").all_inner_texts()]
    page_rows = {r[0]: r for r in (
        [c.strip() for c in tr.locator("th, td").all_inner_texts()] for tr in page.locator("#report tbody tr").all())}
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.startswith("督查考核报表_") and download.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    assert [c.value for c in ws[4]] == headers
    assert ws["A3"].value.startswith("生成时间：") and "T" not in ws["A3"].value
    sheet_rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert set(sheet_rows) >= set(page_rows)
    d12 = page_rows["市环保局"]
    assert str(sheet_rows["市环保局"][1]) == d12[1]                # the same counts in the same columns
    # Nothing submitted: "—" / "无数据", never 回退率 0.0% or 逾期未报送 "否"; reasons never raw codes.
    body = page.locator("#report tbody").inner_text()
    assert not re.search(r"[A-Z_]{6,}", body), "a raw rejection code on the page"
    idle = page.locator("#report tbody tr.idle").first
    expect(idle).to_contain_text("无数据")
    expect(idle).not_to_contain_text("0.0%")
    expect(idle).not_to_contain_text("否")


def test_supervisor_county_without_departments_is_an_empty_state(live, page, shot):
    portal_login(page, "supervisor", "/pages/supervisor.html")
    expect(page.locator("#report")).to_be_visible()
    page.get_by_label("区域").select_option("510824")
    page.get_by_role("button", name="查询", exact=True).click()
    msg = page.locator("#report-msg")
    expect(msg).to_contain_text("暂无部门")
    expect(msg).not_to_have_class(re.compile(r"\berror\b"))
    expect(page.locator("#report")).to_be_hidden()


def test_role_is_shown_in_chinese(live, page):
    portal_login(page, "op-d12", "/pages/supervisor.html")
    expect(page.locator("#who-text")).to_contain_text("部门操作员")
    expect(page.locator("#report-msg")).to_contain_text("部门操作员")
    expect(page.locator("main")).not_to_contain_text("operator")


# --- 3. templates and version history ---------------------------------------------------------
def test_template_download_name_help_sheet_and_upload_category(live, page):
    portal_login(page, "op-d12")
    page.get_by_role("link", name="批量上传").click()
    upload_category = page.locator("#view-upload").get_by_label("信息类别")
    upload_category.select_option("admin_license")
    with page.expect_download() as info:
        page.locator("a.template-link[data-category=admin_penalty]").click()
    download = info.value
    assert download.suggested_filename == "行政处罚信息.xlsx"            # the server's name
    expect(page.locator("#template-msg")).to_contain_text("已下载：行政处罚信息.xlsx")
    expect(upload_category).to_have_value("admin_penalty")              # follows the template chosen
    from openpyxl import load_workbook

    help_sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read()))["填表说明"]
    notes = [row[6] for row in help_sheet.iter_rows(min_row=2, values_only=True) if row[6]]
    assert notes
    for note in notes:                                  # no hint said twice in one cell
        assert note.count("2099/12/31") <= 1 and note.count("YYYY/MM/DD") <= 1, note
        assert note.count("统一社会信用代码") <= 1 and note.count("分隔") <= 1, note


def test_version_history_shows_from_and_to(live, page):
    ent = make_enterprise(live)
    record = penalty_for(ent, CF_NR="罚款人民币伍万元", CF_NR_FK="5")
    accepted = submit(live, "op-d12", "admin_penalty", record)
    r = live.api("PUT", f"/v1/records/{accepted['record_id']}", "op-d12",
                 json={**record, "CF_NR": "罚款人民币陆万元", "CF_NR_FK": "6"})
    assert r.status_code == 200, r.text
    portal_login(page, "op-d12")
    page.goto(f"/pages/portal.html#record/{accepted['record_id']}")
    latest = page.locator("#versions li").first
    expect(latest).to_contain_text("修改了：")
    expect(latest).to_contain_text("处罚内容：罚款人民币伍万元 → 罚款人民币陆万元")
    expect(latest).to_contain_text("罚款金额（万元）：5 → 6")


# --- 4. search tags, counts, filters; the enterprise page in print and on a phone ----------------
@pytest.fixture(scope="module")
def tagged(live):
    """Three enterprises under one name fragment: one under a ban (受限), one on the 经营异常名录
    (受限 + 异常), one registered elsewhere (外地登记), all published."""
    suffix = unique()
    banned = make_enterprise(live, suffix)
    fragment = f"测试{suffix}"                      # in 广元市浏览器测试{suffix}有限公司 too
    submit(live, "op-d12", "admin_penalty", penalty_for(banned, CF_CFLB="罚款、责令停产停业", CF_YXQ="2099/12/31"))
    listed = {"name": f"广元市标签{fragment}乙有限公司", "uscc": make_uscc(f"91510802MA8{suffix}"),
              "regno": make_regno(f"51080203{suffix}")}
    submit(live, "op-d21", "registration", sample_record("registration", **listed))
    submit(live, "op-d21", "abnormal_list", sample_record("abnormal_list", **listed,
                                                          decision_no=f"广工商异〔2026〕{suffix}号"))
    elsewhere = {"name": f"福州标签{fragment}丙有限公司", "uscc": make_uscc(f"91350100MA9{suffix}")}
    submit(live, "op-d12", "admin_penalty", penalty_for({**elsewhere, "regno": None}, CF_XDR_GSZC=None))
    publish(live)
    return {"fragment": fragment, "banned": banned, "listed": listed, "elsewhere": elsewhere}


def test_search_results_carry_tags_counts_and_filters(live, tagged, page, phone, shot):
    page.goto(f"/pages/public.html?q={tagged['fragment']}")
    load_all(page)
    results = page.locator("#results li")
    expect(results).to_have_count(3)

    def row(name):
        return page.locator("#results li", has=page.locator("a.name", has_text=name))

    banned, listed, elsewhere = row(tagged["banned"]["name"]), row(tagged["listed"]["name"]), row(tagged["elsewhere"]["name"])
    expect(banned.locator(".tag")).to_have_text(["受限"])
    expect(listed.locator(".tag")).to_have_text(["受限", "异常"])
    expect(elsewhere.locator(".tag")).to_have_text(["外地登记"])
    expect(banned).to_contain_text("公示信息 2 条")        # registration + penalty
    expect(elsewhere).to_contain_text("公示信息 1 条")
    expect(banned).to_contain_text("区县：利州区")
    shot(page, "search-desktop")

    page.get_by_label("状态").select_option("restricted")
    expect(results.locator("visible=true")).to_have_count(2)
    expect(page.locator("#status")).to_contain_text("筛选后显示 2 家")
    page.get_by_label("状态").select_option("elsewhere")
    expect(results.locator("visible=true")).to_have_count(1)
    expect(elsewhere).to_be_visible()
    page.get_by_label("状态").select_option("")
    page.get_by_label("区县").select_option("510802")
    expect(results.locator("visible=true")).to_have_count(2)
    expect(elsewhere).to_be_hidden()

    phone.goto(f"/pages/public.html?q={tagged['fragment']}")
    load_all(phone)
    expect(phone.locator("#results li")).to_have_count(3)
    shot(phone, "search-phone")


def test_enterprise_page_prints_every_category(live, tagged, page, shot):
    page.goto(f"/pages/enterprise.html?code={tagged['banned']['uscc']}")
    expect(page.locator("#ent-name")).to_have_text(tagged["banned"]["name"])
    panels = page.locator("[role=tabpanel]")
    expect(panels.locator("visible=true")).to_have_count(1)          # on screen: the selected tab
    shot(page, "enterprise-desktop")
    page.emulate_media(media="print")
    count = panels.count()
    assert count == 10
    expect(panels.locator("visible=true")).to_have_count(count)       # in print: every category
    for title in ("企业登记基本信息", "行政处罚信息", "行政许可信息"):
        expect(page.locator("[role=tabpanel] .panel-title", has_text=title)).to_be_visible()
    expect(page.locator("#panel-admin_penalty")).to_contain_text("责令停产停业")
    expect(page.locator("#panel-registration")).to_contain_text(tagged["banned"]["uscc"])
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("tab").first).to_be_hidden()
    shot(page, "enterprise-print")
    page.emulate_media(media="screen")
    expect(panels.locator("visible=true")).to_have_count(1)


def test_enterprise_tab_strip_scrolls_with_a_cue_on_a_phone(live, tagged, phone, shot):
    phone.goto(f"/pages/enterprise.html?code={tagged['banned']['uscc']}")
    expect(phone.locator("#ent-name")).to_have_text(tagged["banned"]["name"])
    strip = phone.locator("#tabs")
    assert strip.evaluate("s => s.scrollWidth > s.clientWidth + 1"), "all tabs fit: nothing to cue"
    assert strip.evaluate("s => getComputedStyle(s).overflowX") in ("auto", "scroll")
    expect(phone.locator("#tabs-cue")).to_be_visible()
    expect(phone.locator("#tabs-cue")).to_contain_text("10 类")
    expect(phone.locator("#tabs-wrap")).to_have_class(re.compile(r"\bmore-right\b"))
    shot(phone, "enterprise-phone", full_page=False)
    # The keyboard reaches the last tab and the strip scrolls it into view.
    phone.get_by_role("tab", selected=True).focus()
    phone.keyboard.press("End")
    last = phone.get_by_role("tab").last
    expect(last).to_have_attribute("aria-selected", "true")
    expect(last).to_be_in_viewport()
    no_sideways_scroll(phone)


# --- 5. open data: field dictionary, licence, one attribution; accessibility statement -----------
def test_field_dictionary_is_generated_from_the_catalog(live, page, shot):
    catalog = live.api("GET", "/v1/catalog").json()
    page.goto("/pages/opendata.html")
    page.get_by_role("link", name="数据字段说明").first.click()
    expect(page).to_have_url(re.compile(r"/pages/fields\.html"))
    tables = page.locator("table.dictionary")
    expect(tables).to_have_count(len(catalog["categories"]))
    for cat in catalog["categories"]:
        rows = page.locator(f"#fields-{cat['id']} tbody tr")
        expect(rows).to_have_count(len(cat["fields"]))
        first = cat["fields"][0]
        expect(rows.first).to_contain_text(first["label"])
        expect(rows.first).to_contain_text(first["json_name"])
    expect(page.locator("#fields-admin_penalty tr[data-field=CF_NR_FK]")).to_contain_text("罚款金额（万元）")
    shot(page, "fields-desktop")


def test_open_data_licence_and_attribution_once(live, page, phone, shot):
    page.goto("/pages/opendata.html")
    settle(page)
    licence = page.locator("#licence")
    expect(licence.get_by_role("heading", name="开放数据许可条款")).to_be_visible()
    expect(licence).to_contain_text("衍生产品")
    expect(licence).to_contain_text("变更")
    body = page.locator("body").inner_text()
    assert body.count("数据来源") == 1, "the attribution line is shown more than once"
    assert body.count("注明来源") == 1
    shot(page, "opendata-desktop")
    phone.goto("/pages/opendata.html")
    settle(phone)
    shot(phone, "opendata-phone")


def test_accessibility_statement_is_linked_from_every_page(live, page):
    for path in PUBLIC_PAGES:
        page.goto(path)
        link = page.locator("footer").get_by_role("link", name="无障碍声明")
        expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(r"/pages/accessibility\.html$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("无障碍声明")
    expect(page.locator("main")).to_contain_text("WCAG")
    expect(page.locator("main")).to_contain_text("GB/T 37668")


# --- 7. screenshots at 1280 and 390 px, and axe-core over every page ----------------------------
def _open(pg, path: str, user: str | None) -> None:
    """Opens a page as `user` (logged in through the page's own form) or anonymously."""
    if pg.url.startswith("http"):
        pg.evaluate("() => sessionStorage.clear()")
    if user:
        portal_login(pg, user, path.split("#")[0])
    pg.goto(path)
    settle(pg)


def _pages(tagged) -> list[tuple[str, str, str | None]]:
    """(name, path, user to log in as) for every page."""
    code = tagged["banned"]["uscc"]
    return [("home", "/", None), ("search", f"/pages/public.html?q={tagged['fragment']}", None),
            ("enterprise", f"/pages/enterprise.html?code={code}", None),
            ("opendata", "/pages/opendata.html", None), ("fields", "/pages/fields.html", None),
            ("accessibility", "/pages/accessibility.html", None), ("scorecards", "/pages/scorecards.html", None),
            ("portal-login", "/pages/portal.html", None), ("portal", "/pages/portal.html", "op-d12"),
            ("portal-records", "/pages/portal.html#records", "op-d12"),
            ("portal-entry", "/pages/portal.html#entry", "op-d12"),
            ("portal-rejections", "/pages/portal.html#rejections", "op-d12"),
            ("portal-uploads", "/pages/portal.html#uploads", "op-d12"),
            ("supervisor-login", "/pages/supervisor.html", None),
            ("supervisor", "/pages/supervisor.html", "supervisor"),
            ("catalog", "/pages/catalog.html", None), ("format-rules", "/pages/format-rules.html", None),
            ("catalog-items", "/pages/items.html", "op-d12"), ("catalog-review", "/pages/review.html", "op-d21")]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_every_page(live, tagged, page, phone, shot, size):
    pg = page if size == "desktop" else phone
    for name, path, user in _pages(tagged):
        _open(pg, path, user)
        assert pg.evaluate(VISIBLE_HIDDEN_JS) == [], name
        shot(pg, f"{name}-{'1280' if size == 'desktop' else '390'}")


def test_axe_finds_no_serious_or_critical_violation(live, tagged, page):
    axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                                   reason="axe-playwright-python is not installed (requirements-browser.txt)")
    axe = axe_sync.Axe()
    found = {}
    for name, path, user in _pages(tagged):
        _open(page, path, user)
        results = axe.run(page)
        bad = [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = bad
    assert not found, found
