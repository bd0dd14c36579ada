/* 部门门户 · 本部门归集公示事项 (SPEC §5.3): the department's items with their state and the reason
 * of a return; a draft created or edited (category from the department's categories in
 * GET /v1/catalog), saved and submitted to 市工商局's review. */
(function () {
  "use strict";
  var el = QY.el;
  var I = QY.items;
  var DEPT_KEY = "qygs.dept";
  var me = null, cat = null, editing = null, items = [];
  var loggedOut = null;

  function $(id) { return document.getElementById(id); }
  function department() { return me.department || (me.role === "admin" ? $("acting-dept").value : null); }
  function deptQuery(sep) { return me.role === "admin" ? sep + "department=" + encodeURIComponent(department()) : ""; }
  function call(path, opts) {
    return QY.api(path, opts).catch(function (err) {
      if (err.status === 401) loggedOut("登录已失效，请重新登录。");
      throw err;
    });
  }
  function categories() {
    var d = cat.departmentsById[department()] || cat.departmentsById[String(department()).split("-").pop()];
    return (d ? d.categories : []).map(function (id) { return cat.byId[id]; }).filter(Boolean);
  }
  function categoryName(id) { return cat.byId[id] ? cat.byId[id].name : id; }
  function itemPath(code, action) {
    return "/v1/catalog/items/" + encodeURIComponent(code) + (action ? "/" + action : "");
  }

  /* --- the list ---------------------------------------------------------------------------- */
  async function load() {
    QY.show("list-msg", "loading", "正在加载…");
    try {
      items = await QY.all("/v1/catalog/items" + deptQuery("?"));
      render();
    } catch (err) {
      QY.show("list-msg", "error", err.message);
      if (err.status === 401) loggedOut("登录已失效，请重新登录。");
    }
  }

  function render() {
    var body = QY.clear(document.querySelector("#items tbody"));
    items.forEach(function (it) {
      var actions = [];
      if (it.state !== "submitted") actions.push(el("button", { type: "button", class: "link", onclick: function () { edit(it); } }, "修改"), " ");
      if (it.state === "draft" || it.state === "returned") {
        actions.push(el("button", { type: "button", class: "link", onclick: function () { submit(it); } }, "提交审核"));
      }
      body.appendChild(el("tr", { id: "item-" + it.item_code, dataset: { state: it.state } },
        el("td", { "data-label": "事项编码", class: "nowrap" }, el("code", null, it.item_code)),
        el("th", { scope: "row", "data-label": "事项名称" }, it.name),
        el("td", { "data-label": "信息类别" }, categoryName(it.category)),
        el("td", { "data-label": "状态" }, I.badge(it.state),
          it.approved_version && it.state !== "approved" ? el("span", { class: "small muted" }, "（原已批准的版本继续有效）") : null),
        el("td", { "data-label": "退回原因", class: "prose reason" }, it.state === "returned" ? it.return_reason || "—" : "—"),
        el("td", { "data-label": "更新时间" }, QY.fmtTime(it.updated_at)),
        el("td", { "data-label": "操作" }, actions.length ? actions : "—")));
    });
    $("table-wrap").hidden = !items.length;
    if (!items.length) QY.show("list-msg", "empty", "本部门还没有归集公示事项。点击“新建事项”开始拟定。");
    else QY.hide("list-msg");
  }

  async function submit(it) {
    try {
      var out = await call(itemPath(it.item_code, "submit"), { method: "POST", body: { version: it.version } });
      await load();
      QY.show("list-msg", "ok", "已提交审核：" + out.item_code + " " + out.name + "。审核结果将在此列出。");
    } catch (err) {
      QY.show("list-msg", "error", err.message);
    }
    $("list-msg").focus();
  }

  /* --- the editor -------------------------------------------------------------------------- */
  function edit(it) {
    editing = it || null;
    var box = QY.clear($("item-fields"));
    var select = el("select", null, el("option", { value: "" }, "请选择"),
      categories().map(function (c) { return el("option", { value: c.id }, c.name); }));
    box.append(
      I.field("i", "name", "事项名称", el("input", { type: "text", maxlength: 200, autocomplete: "off" }), true),
      I.field("i", "category", "信息类别", select, true),
      I.field("i", "legal_basis", "设定依据", el("textarea", { rows: 3, maxlength: 2000 }), true, "法律、法规、规章名称及条款，如《中华人民共和国行政处罚法》第四十八条"),
      I.field("i", "office", "责任科室", el("input", { type: "text", maxlength: 100, autocomplete: "off" }), false),
      I.field("i", "period_override", "本事项的公示期限（月，可选）", el("input", { type: "number", min: 0, max: 1200, step: 1, inputmode: "numeric" }), false, " "));
    select.addEventListener("change", periodHint);
    ["name", "category", "legal_basis", "office", "period_override"].forEach(function (k) {
      var v = it ? it[k] : "";
      $("i-" + k).value = v === null || v === undefined ? "" : (typeof v === "object" ? JSON.stringify(v) : String(v));
    });
    periodHint();
    $("editor-title").textContent = it ? "修改事项 " + it.item_code : "新建事项";
    QY.hide("item-msg");
    $("editor").hidden = false;
    $("new-item").hidden = true;
    $("i-name").focus();
  }

  /** The period's hint: the chosen category's rule and the bounds an item may set within it. */
  function periodHint() {
    var r = cat.byId[$("i-category").value];    // its period rule and the bounds of an item's own period
    var input = $("i-period_override");
    var bounds = r && r.item_period_months;
    input.disabled = !!r && !bounds && !input.value;
    $("i-period_override-hint").textContent = !r ? "留空则按信息类别的公示期限（选择信息类别后显示）。"
      : "留空则按类别规定：" + (r.period_rule || "—") + "。" + (bounds ? "本类别可设定 " + bounds[0] + "–" + bounds[1] + " 个月。" : "本类别的期限由法律规定，不能另行设定。");
  }

  function closeEditor() {
    editing = null;
    $("editor").hidden = true;
    $("new-item").hidden = false;
  }

  function formBody() {
    var body = {};
    ["name", "category", "legal_basis", "office"].forEach(function (k) { body[k] = $("i-" + k).value.trim(); });
    var months = $("i-period_override").value.trim();
    body.period_override = months === "" ? null : Number(months);
    if (editing) body.version = editing.version;
    else if (me.role === "admin") body.department = department();
    return body;
  }

  async function save(ev) {
    ev.preventDefault();
    var andSubmit = ev.submitter && ev.submitter.value === "submit";
    var form = $("item-form");
    var body = formBody();
    var missing = ["name", "category", "legal_basis"].filter(function (k) { return !body[k]; }).map(function (k) { return { field: k, message: "必填" }; });
    if (body.period_override !== null && !Number.isInteger(body.period_override)) missing.push({ field: "period_override", message: "请填写整数月数，或留空" });
    if (missing.length) {
      I.showError("item-msg", form, "i", { message: "请修改标出的项目", details: missing });
      return;
    }
    I.clearErrors(form);
    try {
      var out = editing
        ? await call(itemPath(editing.item_code), { method: "PUT", body: body })
        : await call("/v1/catalog/items", { method: "POST", body: body });
      closeEditor();
      if (andSubmit) { await submit(out); return; }
      await load();
      QY.show("list-msg", "ok", "已保存草稿：" + out.item_code + " " + out.name + "。提交审核后由市场监督管理局审核。");
      $("list-msg").focus();
    } catch (err) {
      I.showError("item-msg", form, "i", err);
      if (!form.querySelector("[aria-invalid=true]")) $("item-msg").focus();
    }
  }

  async function ready(who) {
    me = who;
    try {
      cat = await QY.catalog();
    } catch (err) {
      QY.show("list-msg", "error", "目录加载失败：" + err.message);
      return;
    }
    if (me.role === "admin") {
      var sel = QY.clear($("acting-dept"));
      cat.departments.forEach(function (d) { sel.appendChild(el("option", { value: d.id }, d.id + " " + d.name)); });
      sel.value = sessionStorage.getItem(DEPT_KEY) || QY.registryDepartment(cat).id;
      $("acting-box").hidden = false;
    }
    closeEditor();
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("new-item").addEventListener("click", function () { edit(null); });
    $("cancel-edit").addEventListener("click", closeEditor);
    $("item-form").addEventListener("submit", save);
    $("acting-dept").addEventListener("change", function () {
      sessionStorage.setItem(DEPT_KEY, $("acting-dept").value);
      closeEditor();
      load();
    });
    loggedOut = QY.loginShell(ready);
  });
})();
