/* 归集公示目录 items, shared by the public 目录 (catalog.js), a department's items (items.js) and
 * 市工商局's review queue (review.js): state names, the period text, the logged-in page shell
 * (the login form of the page, the who-box) and an API error shown next to the form's fields. */
(function () {
  "use strict";
  var el = QY.el;
  var STATES = { draft: ["草稿", "info"], submitted: ["待审核", "warn"], approved: ["已批准", "ok"], returned: ["已退回", "bad"] };
  var FIELD_LABELS = { name: "事项名称", category: "信息类别", legal_basis: "设定依据", office: "责任科室", period_override: "公示期限",
    reason: "退回原因", version: "版本", department: "部门" };
  /* The API's detail codes in Chinese (its `reason` is the validator's English and never shown). */
  var CODE_TEXT = {
    REQUIRED: function () { return "必填"; },
    BAD_ENUM: function () { return "不是可选的值"; },
    NOT_EDITABLE: function () { return "该项不能修改"; },
    BAD_VALUE: function () { return "格式或长度有误"; },
    NOT_FOUND: function () { return "不存在"; },
    REASON_REQUIRED: function () { return "请填写退回原因"; },
    PERIOD_OUT_OF_BOUNDS: function (d) {
      return d.min === null || d.min === undefined ? "该类别的公示期限由法律规定，不能另行设定" : "应在 " + d.min + "–" + d.max + " 个月之间";
    }
  };

  function badge(state) {
    var s = STATES[state] || [state || "—", "info"];
    return el("span", { class: "badge " + s[1] }, s[0]);
  }

  /** The publication period of an item: its own (period_override, within the law's bounds) or its
   * category's rule (`rule`: the category's format rules, when the page has them). */
  function periodText(it, rule) {
    if (it.period_rule) return it.period_rule;            // the public 目录 states it
    if (it.period_override !== null && it.period_override !== undefined) return "公示 " + it.period_override + " 个月";
    return rule && rule.period_rule ? "按信息类别规定：" + rule.period_rule : "按信息类别规定";
  }

  /** Shows an API error: the message in `msgNode`, each detail with a field next to its control
   * (`<prefix>-<field>`, its `<prefix>-<field>-error` paragraph), the others listed. */
  function showError(msgNode, form, prefix, err) {
    clearErrors(form);
    var others = [];
    (err.details || []).forEach(function (d) {
      var name = String(d.field || d.loc || "").split(".").pop();
      var control = name && form && form.querySelector("#" + prefix + "-" + name);
      var text = d.message || (CODE_TEXT[d.code] ? CODE_TEXT[d.code](d) : err.message);
      if (control) {
        control.setAttribute("aria-invalid", "true");
        var p = form.querySelector("#" + prefix + "-" + name + "-error");
        p.textContent = text;
        p.hidden = false;
      } else {
        others.push(el("li", null, (FIELD_LABELS[name] ? FIELD_LABELS[name] + "：" : "") + text));
      }
    });
    QY.show(msgNode, "error", [err.message, others.length ? el("ul", null, others) : null]);
    var first = form && form.querySelector("[aria-invalid=true]");
    if (first) first.focus();
  }
  function clearErrors(form) {
    if (!form) return;
    form.querySelectorAll("[aria-invalid]").forEach(function (c) { c.removeAttribute("aria-invalid"); });
    form.querySelectorAll(".field-error").forEach(function (p) { p.textContent = ""; p.hidden = true; });
  }

  /** A labelled control with its error paragraph: field(prefix, name, label, control, required, hint). */
  function field(prefix, name, label, control, required, hint) {
    var id = prefix + "-" + name;
    control.id = id;
    control.name = name;
    var ids = [hint ? id + "-hint" : null, id + "-error"].filter(Boolean).join(" ");
    control.setAttribute("aria-describedby", ids);
    if (required) control.setAttribute("aria-required", "true");
    return el("div", { class: "field" + (control.tagName === "TEXTAREA" ? " wide" : "") },
      el("label", { for: id }, label, required ? el("span", { class: "req", "aria-hidden": "true" }, "*") : null,
        required ? el("span", { class: "visually-hidden" }, "（必填）") : null),
      hint ? el("span", { class: "hint", id: id + "-hint" }, hint) : null,
      control,
      el("p", { class: "field-error", id: id + "-error", hidden: true }));
  }

  QY.items = { badge: badge, periodText: periodText, showError: showError, clearErrors: clearErrors, field: field };
})();
