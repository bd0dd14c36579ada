/* 异议与信用修复 (public): file one from a record of the enterprise page, follow it with its
 * number and 查询码 (SPEC §5.2). No account: the 查询码 is shown once, at filing. */
(function () {
  "use strict";
  var el = QY.el;
  var KIND_NAMES = { objection: "异议", repair: "信用修复申请" };
  var STATES = { open: "办理中", answered: "已答复", approved: "准予修复", refused: "不予修复" };
  var DECISIONS = { maintained: "维持原公示信息", corrected: "已更正公示信息", withdrawn: "已撤销该信息",
    approved: "准予信用修复，该信息已停止公示", refused: "不予信用修复" };
  var FIELD_INPUTS = { reason: "f-reason", contact_name: "f-name", applicant_name: "f-name",
    contact_phone: "f-phone", applicant_phone: "f-phone", evidence: "f-evidence", commitment: "f-commitment" };
  var CODE_TEXT = { REQUIRED: "必填", TOO_LONG: "内容过长", BAD_PHONE: "电话号码格式不正确", BAD_TYPE: "格式不正确" };

  function rows(dl, pairs) {
    QY.clear(dl);
    pairs.forEach(function (p) { if (p[1]) dl.append(el("dt", null, p[0]), el("dd", null, p[1])); });
  }

  function clearErrors() {
    document.querySelectorAll("#file-form .field-error").forEach(function (n) { n.remove(); });
    document.querySelectorAll("#file-form [aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
  }

  function fieldErrors(details) {
    (details || []).forEach(function (d) {
      var input = document.getElementById(FIELD_INPUTS[d.field] || "");
      if (!input) return;
      input.setAttribute("aria-invalid", "true");
      var id = input.id + "-error";
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + id).trim());
      var text = d.code === "TOO_LONG" && d.max_length ? "不超过 " + d.max_length + " 字" : (d.message || CODE_TEXT[d.code] || d.code);
      input.closest(".field").appendChild(el("p", { class: "field-error", id: id }, text));
    });
  }

  async function findRecord(code, recordId) {
    var data = await QY.api("/v1/public/enterprises/" + encodeURIComponent(code), { auth: false });
    var found = null;
    data.categories.forEach(function (g) {
      g.records.forEach(function (r) { if (r.record_id === recordId) found = { record: r, group: g }; });
    });
    return { enterprise: data.enterprise, found: found };
  }

  async function fileView(kind, code, recordId) {
    var view = document.getElementById("file-view");
    document.getElementById("title").textContent = kind === "repair" ? "申请信用修复" : "对公示信息提出异议";
    document.getElementById("file-title").textContent = "公示信息";
    document.getElementById("back-link").href = "/pages/enterprise.html?code=" + encodeURIComponent(code);
    document.querySelectorAll("[data-kind]").forEach(function (n) { n.hidden = n.dataset.kind !== kind; });
    document.getElementById("f-evidence-label").textContent = kind === "repair" ? "整改情况及证明材料说明" : "证明材料说明（选填）";
    if (kind === "repair") document.getElementById("f-evidence").required = true;
    document.getElementById("file-intro").textContent = kind === "repair"
      ? "行政处罚信息自公示之日起满一年、经营异常名录信息随时可申请；准予修复后该信息立即停止公示。"
      : "对公示信息有异议的，可向作出该信息的部门提出，部门将在 10 个工作日内答复；异议处理期间原公示信息不变。";
    try {
      var r = await findRecord(code, recordId);
      if (!r.found) { QY.show("status", "warn", "该企业没有此公示信息，可能已停止公示。"); return; }
      var rec = r.found.record;
      rows(document.getElementById("record-summary"), [["企业名称", r.enterprise.name], ["信息类别", r.found.group.name],
        ["文号", rec.source_ref], ["公示部门", rec.department_name || rec.department], ["公示日期", QY.fmtTime(rec.published_at)]]);
      view.hidden = false;
    } catch (err) {
      QY.show("status", err.status === 404 ? "warn" : "error", err.message);
      return;
    }
    document.getElementById("file-form").addEventListener("input", function (ev) {   // a field being fixed
      var box = ev.target.closest(".field");
      var error = box && box.querySelector(".field-error");
      if (error) { error.remove(); ev.target.removeAttribute("aria-invalid"); }
    });
    document.getElementById("file-form").addEventListener("submit", async function (ev) {
      ev.preventDefault();
      clearErrors();
      QY.hide("file-msg");
      var v = function (id) { return document.getElementById(id).value.trim(); };
      var body = kind === "repair"
        ? { code: code, record_id: recordId, applicant_name: v("f-name"), applicant_phone: v("f-phone"),
            evidence: v("f-evidence"), commitment: document.getElementById("f-commitment").checked }
        : { record_id: recordId, reason: v("f-reason"), contact_name: v("f-name"), contact_phone: v("f-phone"),
            evidence: v("f-evidence") || undefined };
      var button = document.getElementById("file-submit");
      button.disabled = true;
      try {
        var out = await QY.api("/v1/public/" + (kind === "repair" ? "repairs" : "objections"),
          { method: "POST", body: body, auth: false });
        done(kind, out[kind + "_id"], out.follow_token, out.due);
      } catch (err) {
        var msg = err.message;
        if (err.code === "NOT_ELIGIBLE" && err.details[0] && err.details[0].eligible_from) msg += "（可申请日期：" + err.details[0].eligible_from + "）";
        QY.show("file-msg", "error", msg);
        fieldErrors(err.details);
      } finally {
        button.disabled = false;
      }
    });
  }

  function done(kind, id, token, due) {
    document.getElementById("file-view").hidden = true;
    document.getElementById("done-title").textContent = KIND_NAMES[kind] + "已提交";
    rows(document.getElementById("done-fields"), [["编号", id], ["查询码", token], ["答复期限", due]]);
    document.getElementById("done-follow").href = "/pages/objection.html?kind=" + kind + "&id=" + encodeURIComponent(id);
    document.getElementById("done-view").hidden = false;
    var title = document.getElementById("done-title");
    title.setAttribute("tabindex", "-1");
    title.focus();
  }

  function followView(kind, id) {
    document.getElementById("follow-view").hidden = false;
    if (kind) document.getElementById("q-kind").value = kind;
    if (id) document.getElementById("q-id").value = id;
    document.getElementById("follow-form").addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var k = document.getElementById("q-kind").value;
      var caseId = document.getElementById("q-id").value.trim();
      var token = document.getElementById("q-token").value.trim();
      var result = document.getElementById("follow-result");
      result.hidden = true;
      if (!caseId || !token) { QY.show("follow-msg", "error", "请填写编号和查询码"); return; }
      try {
        var c = await QY.api("/v1/public/" + (k === "repair" ? "repairs/" : "objections/") + encodeURIComponent(caseId) +
          "?token=" + encodeURIComponent(token), { auth: false });
        QY.show("follow-msg", c.state === "open" ? "info" : "ok", KIND_NAMES[k] + "：" + (STATES[c.state] || c.state));
        rows(result, [["企业名称", c.enterprise_name], ["提交时间", QY.fmtTime(c.filed_at)], ["答复期限", c.due],
          ["异议理由", c.reason], ["证明材料", c.evidence], ["办理结果", DECISIONS[c.decision] || c.decision],
          ["答复意见", c.reply], ["答复时间", c.decided_at ? QY.fmtTime(c.decided_at) : null]]);
        result.hidden = false;
      } catch (err) {
        QY.show("follow-msg", err.status === 404 ? "warn" : "error", err.message);
      }
    });
  }

  function start() {
    var kind = QY.param("kind") === "repair" ? "repair" : "objection";
    var recordId = QY.param("record_id"), code = QY.param("code");
    if (recordId && code) fileView(kind, code, recordId);
    else followView(QY.param("kind"), QY.param("id"));
  }
  document.addEventListener("DOMContentLoaded", start);
})();
