/* 部门门户 · 异议与信用修复办理: the department's inbox with due days, the applicant's contact, and
 * the answer (异议) / decision (信用修复) forms (SPEC §5.2). */
(function () {
  "use strict";
  var el = QY.el;
  var STATES = { open: "待办理", answered: "已答复", approved: "准予修复", refused: "不予修复" };
  var DECISIONS = { maintained: "维持", corrected: "已更正", withdrawn: "已撤销", approved: "准予修复", refused: "不予修复" };
  var CATEGORY_NAMES = {};
  var cursor = null;
  var loggedOut = null;    // QY.loginShell: shows the login form again (a 401)

  function pairs(dl, list) {
    list.forEach(function (p) { if (p[1]) dl.append(el("dt", null, p[0]), el("dd", null, p[1])); });
    return dl;
  }

  function answerForm(c) {
    var id = c.id;
    var form = el("form", { class: "card answer-form", novalidate: true, "aria-label": "答复 " + id });
    var choice;
    if (c.kind === "objection") {
      choice = el("select", { id: "decision-" + id, name: "decision" },
        el("option", { value: "maintained" }, "维持原公示信息"),
        el("option", { value: "corrected" }, "已更正（已修改该记录）"),
        el("option", { value: "withdrawn" }, "已撤销（已撤销该记录）"));
      form.append(el("div", { class: "field" }, el("label", { for: "decision-" + id }, "答复结果"), choice));
    } else {
      choice = el("select", { id: "decision-" + id, name: "approve" },
        el("option", { value: "true" }, "准予修复（立即停止公示）"), el("option", { value: "false" }, "不予修复"));
      form.append(el("div", { class: "field" }, el("label", { for: "decision-" + id }, "审核结果"), choice));
    }
    var reply = el("textarea", { id: "reply-" + id, maxlength: "2000", required: true });
    var msg = el("div", { class: "msg", role: "alert" });
    form.append(el("div", { class: "field" }, el("label", { for: "reply-" + id }, "答复意见"), reply), msg,
      el("div", { class: "actions" }, el("button", { type: "submit" }, c.kind === "objection" ? "提交答复" : "提交审核结果")));
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var body = c.kind === "objection" ? { decision: choice.value, reply: reply.value.trim() }
        : { approve: choice.value === "true", reply: reply.value.trim() };
      var path = c.kind === "objection" ? "/v1/objections/" + encodeURIComponent(id) + "/answer"
        : "/v1/repairs/" + encodeURIComponent(id) + "/decide";
      try {
        var out = await QY.api(path, { method: "POST", body: body });
        var card = form.closest(".case");
        card.replaceWith(caseCard(out));
        QY.show("list-msg", "ok", "已办理：" + (DECISIONS[out.decision] || out.decision));
      } catch (err) {
        QY.show(msg, "error", err.message);
        if (err.status === 401) loggedOut("登录已失效，请重新登录。");
      }
    });
    return form;
  }

  function caseCard(c) {
    var badge = c.state === "open"
      ? el("span", { class: "badge " + (c.overdue ? "bad" : "warn") }, c.overdue ? "已逾期" : "待办理")
      : el("span", { class: "badge ok" }, STATES[c.state] || c.state);
    var dl = pairs(el("dl", { class: "fields" }), [
      ["企业", c.enterprise_name + "（" + c.enterprise_code + "）"], ["信息类别", CATEGORY_NAMES[c.category] || c.category],
      ["记录编号", c.record_id], ["提交时间", QY.fmtTime(c.filed_at)], ["答复期限", c.due + (c.provisional ? "（暂估）" : "")],
      [c.kind === "objection" ? "异议理由" : "信用承诺", c.kind === "objection" ? c.reason : (c.commitment ? "已作出信用承诺" : "—")],
      ["证明材料", c.evidence], ["联系人", c.applicant_name], ["联系电话", c.applicant_phone],
      ["办理结果", c.decision ? DECISIONS[c.decision] || c.decision : null], ["答复意见", c.reply],
      ["答复人", c.decided_by], ["答复时间", c.decided_at ? QY.fmtTime(c.decided_at) : null]]);
    var card = el("section", { class: "card case", id: "case-" + c.id, "aria-label": (c.kind === "objection" ? "异议 " : "信用修复 ") + c.id },
      el("h2", null, (c.kind === "objection" ? "异议 " : "信用修复申请 ") , el("span", { class: "small muted" }, c.id), "　", badge), dl);
    if (c.state === "open") card.append(answerForm(c));
    return card;
  }

  async function load(more) {
    var kind = document.getElementById("kind").value;
    var state = document.getElementById("state").value;
    var box = document.getElementById("cases");
    if (!more) { QY.clear(box); cursor = null; }
    QY.show("list-msg", "loading", "正在加载…");
    var q = "?limit=50" + (state ? "&state=" + state : "") + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    try {
      var page = await QY.api("/v1/" + (kind === "objection" ? "objections" : "repairs") + q);
      page.items.forEach(function (c) { box.appendChild(caseCard(c)); });
      cursor = page.next_cursor;
      document.getElementById("more").hidden = !cursor;
      if (!box.childNodes.length) QY.show("list-msg", "empty", "没有" + (state ? "待办理的" : "") + (kind === "objection" ? "异议" : "信用修复申请") + "。");
      else QY.hide("list-msg");
    } catch (err) {
      QY.show("list-msg", "error", err.message);
      if (err.status === 401) loggedOut("登录已失效，请重新登录。");
    }
  }

  async function start() {
    document.getElementById("filter-form").addEventListener("submit", function (ev) { ev.preventDefault(); load(false); });
    document.getElementById("more").addEventListener("click", function () { load(true); });
    try {
      (await QY.catalog()).categories.forEach(function (c) { CATEGORY_NAMES[c.id] = c.name; });
    } catch (e) { /* names fall back to ids */ }
    if (QY.param("kind") === "repair") document.getElementById("kind").value = "repair";
    loggedOut = QY.loginShell(function () { load(false); });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
