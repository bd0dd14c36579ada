/* A record entry form generated from a catalog category's fields (部门门户: 录入 and 修改).
 * QY.recordForm(category, values, {idPrefix, choices}) → {node, values(), showErrors(errors, summaryText), clearErrors(), focusFirstError()}
 * choices: {json_name: [[value, text], …]} makes that field a drop-down (the 目录事项 of item_code).
 * Errors are the API's [{field, code, message, suggestion}], field = json_name: each is shown
 * next to its field (aria-invalid, aria-describedby) and listed in a summary with links. */
(function () {
  "use strict";
  var el = QY.el;
  var CONTROL_FIELDS = { disclosure: true, masked_fields: true, procedure: true };  // 公示控制 (bookkeeping)

  var prefix = "f";   // id prefix of the form being built (entry and edit forms never clash)
  function controlId(f) { return prefix + "-" + f.json_name; }
  function errorId(f) { return prefix + "-err-" + f.json_name; }

  function textValue(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.join("、");
    return String(v);
  }

  /** ISO date for <input type=date>; other spellings (2026/09/28) become 2026-09-28. */
  function dateValue(v) {
    var s = textValue(v).trim();
    var m = /^(\d{4})[\/\-.](\d{1,2})[\/\-.](\d{1,2})/.exec(s);
    if (!m) return s;
    return m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2);
  }

  function buildField(f, value, choices) {
    var id = controlId(f);
    var help = f.type === "date" ? (f.help || "").replace(/^YYYY\/MM\/DD 或 YYYY-MM-DD[；;]?\s*/, "") : (f.help || "");
    var hintId = help ? prefix + "-hint-" + f.json_name : null;
    var describedBy = [hintId, errorId(f)].filter(Boolean).join(" ");
    var req = f.required ? el("span", { class: "req", "aria-hidden": "true" }, "*") : null;
    var reqText = f.required ? el("span", { class: "visually-hidden" }, "（必填）") : null;
    var hint = help ? el("span", { class: "hint", id: hintId }, help) : null;
    var err = el("p", { class: "field-error", id: errorId(f), hidden: true });
    var wide = false;
    var control;

    if (f.type === "multi_enum") {
      var chosen = Array.isArray(value) ? value : textValue(value).split(/[、,，;；]/).map(function (s) { return s.trim(); });
      var boxes = f.enum.map(function (opt, i) {
        return el("label", null,
          el("input", { type: "checkbox", name: f.json_name, value: opt, id: i === 0 ? id : id + "-" + i,
            checked: chosen.indexOf(opt) >= 0, "aria-describedby": describedBy }), opt);
      });
      return el("fieldset", { class: "field wide", dataset: { field: f.json_name }, id: prefix + "-fs-" + f.json_name },
        el("legend", null, f.label, req, reqText), hint, el("div", { class: "checks" }, boxes), err);
    }
    var common = { id: id, name: f.json_name, "aria-describedby": describedBy, "aria-required": f.required ? "true" : null };
    if (f.type === "enum" || choices) {
      var current = textValue(value) || f.default || "";
      var opts = choices || f.enum.map(function (opt) { return [opt, opt]; });
      control = el("select", common,
        el("option", { value: "" }, choices && !choices.length ? "（无可选项）" : "请选择"),
        opts.map(function (o) { return el("option", { value: o[0], selected: o[0] === current }, o[1]); }));
      if (current && !opts.some(function (o) { return o[0] === current; })) {
        control.appendChild(el("option", { value: current, selected: true }, current));  // legacy value
      }
    } else if (f.type === "date") {
      control = el("input", Object.assign({ type: "date", value: dateValue(value) }, common));
    } else if (f.max_len >= 500 && f.json_name !== "masked_fields") {
      control = el("textarea", Object.assign({ rows: 3, maxlength: f.max_len }, common));
      control.value = textValue(value);
      wide = true;
    } else {
      var extra = { type: "text", value: textValue(value), maxlength: f.max_len, autocomplete: "off" };
      if (f.type === "decimal") extra.inputmode = "decimal";
      if (f.type === "uscc" || f.type === "regno") { extra.spellcheck = "false"; extra.autocapitalize = "characters"; }
      control = el("input", Object.assign(extra, common));
    }
    return el("div", { class: "field" + (wide ? " wide" : ""), dataset: { field: f.json_name } },
      el("label", { for: id }, f.label, req, reqText), hint, control, err);
  }

  QY.recordForm = function (category, values, options) {
    values = values || {};
    options = options || {};
    prefix = options.idPrefix || "f";
    var P = prefix;
    var byName = {};
    var mainGrid = el("div", { class: "form-grid" });
    var controlGrid = el("div", { class: "form-grid" });
    category.fields.forEach(function (f) {
      byName[f.json_name] = f;
      (CONTROL_FIELDS[f.json_name] ? controlGrid : mainGrid).appendChild(buildField(f, values[f.json_name], (options.choices || {})[f.json_name]));
    });
    var summary = el("div", { class: "msg", id: P + "-summary", tabindex: "-1", role: "alert" });
    var node = el("div", { class: "record-form" },
      summary,
      el("p", { class: "muted small" }, "带 ", el("span", { class: "req", "aria-hidden": "true" }, "*"), " 的为必填项。统一社会信用代码与注册号至少填写一项。"),
      mainGrid,
      controlGrid.children.length ? el("fieldset", null, el("legend", null, "公示控制"), controlGrid) : null);

    function fieldValue(f) {
      if (f.type === "multi_enum") {
        var picked = [];
        node.querySelectorAll("input[name='" + f.json_name + "']:checked").forEach(function (b) { picked.push(b.value); });
        return picked.length ? picked : null;
      }
      var c = node.querySelector("#" + P + "-" + f.json_name);
      var v = c ? c.value.trim() : "";
      return v === "" ? null : v;
    }

    function readValues() {
      var out = {};
      category.fields.forEach(function (f) {
        var v = fieldValue(f);
        if (v !== null) out[f.json_name] = v;
      });
      return out;
    }

    function clearErrors() {
      QY.hide(summary);
      node.querySelectorAll(".field-error").forEach(function (p) { QY.clear(p); p.hidden = true; });
      node.querySelectorAll("[aria-invalid]").forEach(function (c) { c.removeAttribute("aria-invalid"); });
    }

    function focusField(name) {
      var c = node.querySelector("#" + P + "-" + name);
      if (c) { c.focus(); c.scrollIntoView({ block: "center" }); }
    }

    function showErrors(errors, headline) {
      clearErrors();
      var items = [];
      (errors || []).forEach(function (e) {
        var f = e.field && byName[e.field];
        var text = e.message || e.code || "有误";
        if (f) {
          var p = node.querySelector("#" + P + "-err-" + f.json_name);
          p.hidden = false;
          if (p.firstChild) p.appendChild(el("br"));
          p.appendChild(document.createTextNode(text));
          if (e.suggestion) p.appendChild(el("span", { class: "suggestion" }, e.suggestion));
          var fs = node.querySelector("#" + P + "-fs-" + f.json_name);
          if (fs) fs.setAttribute("aria-invalid", "true");
          else node.querySelector("#" + P + "-" + f.json_name).setAttribute("aria-invalid", "true");
          var link = el("a", { href: "#" + P + "-" + f.json_name }, f.label + "：" + text);
          link.addEventListener("click", function (ev) { ev.preventDefault(); focusField(f.json_name); });
          items.push(el("li", null, link));
        } else {
          items.push(el("li", null, (e.field ? e.field + "：" : "") + text + (e.suggestion ? "（建议：" + e.suggestion + "）" : "")));
        }
      });
      QY.show(summary, "error", [
        el("strong", null, headline || ("提交未通过校验，共 " + items.length + " 处需要修改：")),
        el("ul", null, items)]);
      summary.focus();
    }

    return {
      node: node, values: readValues, showErrors: showErrors, clearErrors: clearErrors,
      summary: summary, focusField: focusField
    };
  };
})();
