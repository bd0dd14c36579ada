/* 归集公示目录: the approved items of every department (GET /v1/public/catalog-items?format=json),
 * filtered here by department, category and text; the filters are kept in the address
 * (?department=&category=&q=) so a filtered list can be linked. */
(function () {
  "use strict";
  var el = QY.el;
  var items = [];
  var cat = null;

  function $(id) { return document.getElementById(id); }

  function deptName(it) {
    var d = cat && cat.departmentsById[it.department];
    return it.department_name || (d ? d.name : it.department);
  }
  function categoryName(it) {
    return it.category_name || (cat && cat.byId[it.category] ? cat.byId[it.category].name : it.category);
  }

  function render() {
    var dep = $("f-department").value, c = $("f-category").value, q = $("f-text").value.trim();
    var shown = items.filter(function (it) {
      return (!dep || it.department === dep) && (!c || it.category === c) &&
        (!q || (it.name + " " + (it.legal_basis || "")).indexOf(q) >= 0);
    });
    var body = QY.clear(document.querySelector("#items tbody"));
    shown.forEach(function (it) {
      body.appendChild(el("tr", { dataset: { item: it.item_code } },
        el("th", { scope: "row", "data-label": "事项名称" }, it.name),
        el("td", { "data-label": "事项编码", class: "nowrap" }, el("code", null, it.item_code)),
        el("td", { "data-label": "部门", class: "department" }, deptName(it)),
        el("td", { "data-label": "信息类别" }, categoryName(it)),
        el("td", { "data-label": "设定依据", class: "prose" }, it.legal_basis || "—"),
        el("td", { "data-label": "责任科室" }, it.office || "—"),
        el("td", { "data-label": "公示期限", class: "prose" }, QY.items.periodText(it))));
    });
    $("table-wrap").hidden = !shown.length;
    $("count").textContent = "共 " + items.length + " 项" + (shown.length !== items.length ? "，筛选出 " + shown.length + " 项" : "");
    if (!items.length) QY.show("status", "empty", "目录中还没有审核通过的事项。");
    else if (!shown.length) QY.show("status", "empty", "没有符合筛选条件的事项。");
    else QY.hide("status");
  }

  function keepInAddress() {
    var p = new URLSearchParams();
    [["department", "f-department"], ["category", "f-category"], ["q", "f-text"]].forEach(function (k) {
      if ($(k[1]).value.trim()) p.set(k[0], $(k[1]).value.trim());
    });
    history.replaceState(null, "", window.location.pathname + (p.toString() ? "?" + p : ""));
  }

  async function start() {
    $("filter").addEventListener("submit", function (ev) { ev.preventDefault(); keepInAddress(); render(); });
    try {
      cat = await QY.catalog();
      cat.departments.forEach(function (d) { $("f-department").appendChild(el("option", { value: d.id }, d.name)); });
      cat.categories.forEach(function (c) { $("f-category").appendChild(el("option", { value: c.id }, c.name)); });
      [["department", "f-department"], ["category", "f-category"], ["q", "f-text"]].forEach(function (k) {
        if (QY.param(k[0])) $(k[1]).value = QY.param(k[0]);
      });
      items = await QY.all("/v1/public/catalog-items?format=json", { auth: false });
      render();
    } catch (e) {
      QY.show("status", "error", "无法加载归集公示目录：" + e.message);
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
