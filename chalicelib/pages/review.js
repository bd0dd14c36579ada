/* 部门门户 · 归集公示事项审核 (市工商局 d21 operators, admin; SPEC §5.3): the submitted items of every
 * department; each approved (it joins the public 目录) or returned with a reason (required). */
(function () {
  "use strict";
  var el = QY.el;
  var I = QY.items;
  var cat = null;
  var loggedOut = null;

  function $(id) { return document.getElementById(id); }

  function pairs(list) {
    var dl = el("dl", { class: "fields" });
    list.forEach(function (p) { dl.append(el("dt", null, p[0]), el("dd", null, p[1] || "—")); });
    return dl;
  }

  async function act(it, action, body, msg, form) {
    try {
      await QY.api("/v1/catalog/items/" + encodeURIComponent(it.item_code) + "/" + action,
        { method: "POST", body: Object.assign({ version: it.version }, body) });
      $("item-" + it.item_code).remove();
      QY.show("list-msg", "ok", (action === "approve" ? "已审核通过，列入归集公示目录：" : "已退回：") + it.item_code + " " + it.name);
      $("list-msg").focus();
      if (!$("queue").children.length) QY.show("list-msg", "ok", [$("list-msg").textContent, el("br"), "没有待审核的事项了。"]);
    } catch (err) {
      if (err.status === 401) { loggedOut("登录已失效，请重新登录。"); return; }
      I.showError(msg, form, "r-" + it.item_code, err);
    }
  }

  function card(it) {
    var d = cat.departmentsById[it.department];
    var reason = el("textarea", { rows: 2, maxlength: 500 });
    var msg = el("div", { class: "msg", role: "alert" });
    var form = el("form", { class: "review-form", novalidate: true, "aria-label": "审核 " + it.item_code },
      I.field("r-" + it.item_code, "reason", "退回原因（退回时必填）", reason, false, "写明须修改之处，部门将看到此原因"),
      msg,
      el("div", { class: "actions" },
        el("button", { type: "button", class: "approve", onclick: function () { act(it, "approve", {}, msg, form); } }, "审核通过"),
        el("button", { type: "submit", class: "danger" }, "退回")));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = reason.value.trim();
      if (!text) {
        I.showError(msg, form, "r-" + it.item_code, { message: "退回须填写原因", details: [{ field: "reason", message: "请填写退回原因" }] });
        return;
      }
      act(it, "return", { reason: text }, msg, form);
    });
    return el("section", { class: "card review-item", id: "item-" + it.item_code, "aria-labelledby": "title-" + it.item_code },
      el("h2", { id: "title-" + it.item_code }, it.name, " ", el("code", { class: "small muted" }, it.item_code), " ", I.badge(it.state)),
      pairs([["部门", it.department_name || (d ? d.name : it.department)], ["信息类别", cat.byId[it.category] ? cat.byId[it.category].name : it.category],
        ["设定依据", it.legal_basis], ["责任科室", it.office], ["公示期限", I.periodText(it, cat.byId[it.category])],
        ["提交时间", QY.fmtTime(it.submitted_at || it.updated_at)]]),
      form);
  }

  async function load() {
    var box = QY.clear($("queue"));
    var dep = $("f-department").value;
    QY.show("list-msg", "loading", "正在加载…");
    try {
      var items = await QY.all("/v1/catalog/items?state=submitted" + (dep ? "&department=" + encodeURIComponent(dep) : ""));
      items.forEach(function (it) { box.appendChild(card(it)); });
      if (!items.length) QY.show("list-msg", "empty", "没有待审核的事项。");
      else QY.show("list-msg", "info", "待审核 " + items.length + " 项。");
    } catch (err) {
      QY.show("list-msg", "error", err.message);
      if (err.status === 401) loggedOut("登录已失效，请重新登录。");
    }
  }

  async function ready(me) {
    try {
      cat = await QY.catalog();
    } catch (err) {
      QY.show("list-msg", "error", "目录加载失败：" + err.message);
      return;
    }
    if (!QY.isReviewer(me, cat)) {
      QY.show("list-msg", "error", "只有" + QY.registryDepartment(cat).name + "的操作员和管理员可以审核归集公示事项。");
      $("filter-form").hidden = true;
      return;
    }
    var sel = $("f-department");
    while (sel.options.length > 1) sel.remove(1);
    cat.departments.forEach(function (d) { sel.appendChild(el("option", { value: d.id }, d.name)); });
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("filter-form").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
    loggedOut = QY.loginShell(ready);
  });
})();
