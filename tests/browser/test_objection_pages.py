"""异议 in a real browser (SPEC §5.2, issue #25 "Must show"): the public files an objection from the
record on the enterprise page and keeps its number and 查询码; the record's department answers it
in the portal's 异议与信用修复 page; the public follows the answer. Screenshots in tests/screenshots/."""
from __future__ import annotations

import re

import pytest

from chalicelib.local.demo_data import sample_record
from tests.browser.test_pages import (
    assert_accessible_basics,
    make_enterprise,
    no_sideways_scroll,
    penalty_for,
    portal_login,
    publish,
    submit,
)

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright is not installed: run `bash tests/browser/ensure_browser.sh`")
expect = sync_api.expect

pytestmark = pytest.mark.browser


def test_file_an_objection_from_the_enterprise_page_and_the_department_answers_it(live, page, phone, shot):
    ent = make_enterprise(live)
    wsh = f"广环罚〔2026〕Y{ent['suffix']}号"
    submit(live, "op-d12", "admin_penalty", penalty_for(ent, CF_WSH=wsh))
    publish(live)

    # the enterprise page: every record offers 异议; a penalty also 信用修复
    page.goto(f"/pages/enterprise.html?code={ent['uscc']}#admin_penalty")
    panel = page.locator("#panel-admin_penalty")
    expect(panel).to_contain_text(wsh)
    expect(panel.get_by_role("link", name=re.compile("申请信用修复"))).to_be_visible()
    panel.locator(".record-actions").scroll_into_view_if_needed()
    shot(page, "enterprise-record-case-links-1280", full_page=False)
    panel.get_by_role("link", name=f"对「{wsh}」提出异议").click()

    # the filing form names the record; the public writes, and keeps the number and 查询码
    expect(page).to_have_url(re.compile(r"/pages/objection\.html\?"))
    expect(page.locator("#record-summary")).to_contain_text(wsh)
    expect(page.locator("#record-summary")).to_contain_text(ent["name"])
    assert_accessible_basics(page)
    page.get_by_role("button", name="提交").click()                  # empty: told next to the fields
    expect(page.locator("#f-reason-error")).to_contain_text("必填")
    page.get_by_label("异议理由").fill("罚款金额应为三万元，公示为五万元。<b>请核实</b>")
    page.get_by_label("联系人姓名").fill("李某某")
    page.get_by_label("联系电话").fill("0839-3261234")
    shot(page, "objection-file-1280")
    page.get_by_role("button", name="提交").click()
    done = page.locator("#done-fields")
    expect(done).to_contain_text("查询码")
    case_id = done.locator("dd").nth(0).inner_text()
    token = done.locator("dd").nth(1).inner_text()
    assert re.fullmatch(r"[0-9A-Z]{26}", case_id) and len(token) >= 24
    shot(page, "objection-filed-1280")

    # the department (市环保局 d12) answers it in the portal
    portal_login(page, "op-d12", "/pages/casework.html")
    card = page.locator(f"#case-{case_id}")
    expect(card).to_contain_text("李某某")                      # the contact: the department sees it
    expect(card).to_contain_text("0839-3261234")
    expect(card).to_contain_text("请核实")
    expect(card).not_to_contain_text("<b>")                     # markup was not kept
    expect(card).to_contain_text("待办理")
    shot(page, "casework-inbox-1280")
    card.get_by_label("答复结果").select_option("corrected")    # not yet corrected: refused, says why
    card.get_by_label("答复意见").fill("已更正")
    card.get_by_role("button", name="提交答复").click()
    expect(card.get_by_role("alert")).to_contain_text("请先修改该记录")
    card.get_by_label("答复结果").select_option("maintained")
    card.get_by_label("答复意见").fill("经复核，处罚决定书载明罚款五万元，维持原公示信息。")
    card.get_by_role("button", name="提交答复").click()
    answered = page.locator(f"#case-{case_id}")
    expect(answered.locator(".badge")).to_have_text("已答复")
    expect(answered).to_contain_text("维持")
    expect(answered.get_by_role("button", name="提交答复")).to_have_count(0)
    shot(page, "casework-answered-1280")

    # the public follows it with the number and 查询码 (a phone); the contact is not shown
    phone.goto(f"/pages/objection.html?kind=objection&id={case_id}")
    phone.get_by_label("查询码").fill(token)
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("#follow-msg")).to_contain_text("已答复")
    expect(phone.locator("#follow-result")).to_contain_text("维持原公示信息")
    expect(phone.locator("#follow-result")).not_to_contain_text("0839-3261234")
    no_sideways_scroll(phone)
    shot(phone, "objection-follow-390")
    phone.get_by_label("查询码").fill("wrong-token")
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("#follow-msg")).to_contain_text("查询码不正确")


def test_repair_of_an_abnormal_list_entry_from_the_page_and_its_approval_ends_publication(live, page, shot):
    ent = make_enterprise(live)
    submit(live, "op-d21", "abnormal_list", sample_record(
        "abnormal_list", name=ent["name"], uscc=ent["uscc"], regno=ent["regno"],
        decision_no=f"广工商异〔2026〕Y{ent['suffix']}号"))
    publish(live)
    page.goto(f"/pages/enterprise.html?code={ent['uscc']}#abnormal_list")
    expect(page.locator("#credit-badge")).to_contain_text("受限")
    page.locator("#panel-abnormal_list").get_by_role("link", name=re.compile("申请信用修复")).click()
    expect(page.locator("#title")).to_have_text("申请信用修复")
    page.get_by_label("联系人姓名").fill("张某")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("整改情况及证明材料说明").fill("已补报 2025 年度报告并公示。")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#f-commitment-error")).to_be_visible()        # the 信用承诺 is required
    page.get_by_label(re.compile("本企业作出信用承诺")).check()
    shot(page, "repair-file-1280")
    page.get_by_role("button", name="提交").click()
    case_id = page.locator("#done-fields dd").nth(0).inner_text()

    portal_login(page, "op-d21", "/pages/casework.html?kind=repair")
    card = page.locator(f"#case-{case_id}")
    expect(card).to_contain_text("已作出信用承诺")
    card.get_by_label("审核结果").select_option("true")
    card.get_by_label("答复意见").fill("已履行年报义务，准予信用修复。")
    card.get_by_role("button", name="提交审核结果").click()
    decided = page.locator(f"#case-{case_id}")
    expect(decided.locator(".badge")).to_have_text("准予修复")
    expect(decided.get_by_role("button", name="提交审核结果")).to_have_count(0)
    expect(page.locator("#list-msg")).to_contain_text("已办理：准予修复")
    shot(page, "casework-repair-approved-1280")

    # off the public side at once: the tab is empty and the badge clear
    page.goto(f"/pages/enterprise.html?code={ent['uscc']}#abnormal_list")
    expect(page.locator("#credit-badge")).to_contain_text("未发现联合惩戒信息")
    expect(page.get_by_role("tab", name=re.compile("经营异常名录"))).to_contain_text("(0)")


def test_axe_finds_no_serious_violation_on_the_objection_pages(live, page):
    axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                                   reason="axe-playwright-python is not installed (requirements-browser.txt)")
    ent = make_enterprise(live)
    rec = submit(live, "op-d12", "admin_penalty", penalty_for(ent))
    publish(live)
    axe, found = axe_sync.Axe(), {}
    views = [("file", f"/pages/objection.html?kind=repair&code={ent['uscc']}&record_id={rec['record_id']}", None),
             ("follow", "/pages/objection.html", None), ("casework-login", "/pages/casework.html", None),
             ("casework", "/pages/casework.html", "op-d12")]
    for name, path, user in views:
        if user:
            portal_login(page, user, path)
        else:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        bad = [f"{v['id']} ({v['impact']}): {v['help']}" for v in axe.run(page).response["violations"]
               if v["impact"] in ("serious", "critical")]
        if bad:
            found[name] = bad
    assert not found, found
