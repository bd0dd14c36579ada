/* 数据字段说明: one table per category, generated from the catalog (GET /v1/catalog). */
(function () {
  "use strict";
  var el = QY.el;
  var TYPES = {
    text: "文本", date: "日期", enum: "单选", multi_enum: "多选（以“、”分隔）", decimal: "数值",
    uscc: "统一社会信用代码", regno: "工商注册号", code: "代码/编号"
  };

  function table(cat) {
    var special = {};
    special[cat.source_ref_field] = "记录标识";
    special[cat.decision_date_field] = "决定日期";
    return el("div", { class: "table-wrap" }, el("table", { class: "dictionary", id: "fields-" + cat.id },
      el("caption", { class: "visually-hidden" }, cat.name + "的字段"),
      el("thead", null, el("tr", null, ["中文名称", "JSON 名", "国标代码", "类型", "必填", "最大长度", "可选值", "说明"].map(function (h) {
        return el("th", { scope: "col" }, h);
      }))),
      el("tbody", null, cat.fields.map(function (f) {
        return el("tr", { dataset: { field: f.json_name } },
          el("th", { scope: "row" }, f.label, special[f.json_name] ? el("span", { class: "badge info" }, special[f.json_name]) : null),
          el("td", null, el("code", null, f.json_name)),
          el("td", null, f.code && f.code !== f.json_name ? el("code", null, f.code) : "—"),
          el("td", null, TYPES[f.type] || f.type),
          el("td", null, f.required ? "是" : "否"),
          el("td", { class: "num" }, f.max_len && (f.type === "text" || f.type === "code") ? String(f.max_len) : "—"),
          el("td", null, f.enum && f.enum.length ? f.enum.join("、") : "—"),
          el("td", null, f.help || "—"));
      }))));
  }

  async function start() {
    try {
      var c = await QY.catalog();
      var toc = document.getElementById("toc");
      var box = document.getElementById("categories");
      c.categories.forEach(function (cat) {
        toc.appendChild(el("li", null, el("a", { href: "#cat-" + cat.id }, cat.name)));
        box.appendChild(el("section", { class: "card", id: "cat-" + cat.id, "aria-labelledby": "cat-title-" + cat.id },
          el("h3", { id: "cat-title-" + cat.id }, cat.name, " ", el("code", { class: "small muted" }, cat.id)),
          el("p", { class: "small muted" }, "共 " + cat.fields.length + " 个字段" + (cat.registry_only ? "；仅由登记机关报送" : "") + "。"),
          table(cat)));
      });
      QY.hide("status");
      if (window.location.hash) {
        var target = document.getElementById(window.location.hash.slice(1));
        if (target) target.scrollIntoView();
      }
    } catch (e) {
      QY.show("status", "error", "无法加载归集公示目录：" + e.message);
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
