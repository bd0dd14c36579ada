/* 数据字段说明: one table per category, generated from the catalog (GET /v1/catalog). */
(function () {
  "use strict";
  var el = QY.el;

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
          el("td", null, QY.typeName(f.type)),
          el("td", null, f.required ? "是" : "否"),
          el("td", { class: "num" }, f.max_len && (f.type === "text" || f.type === "code") ? String(f.max_len) : "—"),
          el("td", null, f.enum && f.enum.length ? f.enum.join("、") : "—"),
          el("td", null, f.help || "—"));
      }))));
  }

  async function start() {
    try {
      QY.categorySections((await QY.catalog()).categories, function (cat) {
        return [el("p", { class: "small muted" }, "共 " + cat.fields.length + " 个字段" + (cat.registry_only ? "；仅由登记机关报送" : "") + "。"),
          table(cat)];
      });
    } catch (e) {
      QY.show("status", "error", "无法加载归集公示目录：" + e.message);
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
