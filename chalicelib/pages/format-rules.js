/* 数据格式规范: every category with its fields and its publication period rule, as the platform
 * validates them (GET /v1/public/format-rules?format=json); one table per category. */
(function () {
  "use strict";
  var el = QY.el;

  function table(cat) {
    return el("div", { class: "table-wrap" }, el("table", { class: "dictionary stack-table", id: "rules-" + cat.id },
      el("caption", { class: "visually-hidden" }, cat.name + "的字段"),
      el("thead", null, el("tr", null, ["中文名称", "字段代码", "类型", "长度", "必填", "可选值", "示例"].map(function (h) {
        return el("th", { scope: "col" }, h);
      }))),
      el("tbody", null, cat.fields.map(function (f) {
        return el("tr", { dataset: { field: f.json_name } },
          el("th", { scope: "row", "data-label": "中文名称" }, f.label),
          el("td", { "data-label": "字段代码" }, el("code", null, f.code || f.json_name)),
          el("td", { "data-label": "类型", class: "inline" }, f.type_name || QY.typeName(f.type)),
          el("td", { "data-label": "长度", class: "num inline" }, f.max_len ? String(f.max_len) : "—"),
          el("td", { "data-label": "必填", class: "inline" }, f.required ? "是" : "否"),
          el("td", { "data-label": "可选值", class: f.enum && f.enum.length ? "prose" : "prose empty" }, f.enum && f.enum.length ? f.enum.join("、") : "—"),
          el("td", { "data-label": "示例", class: "prose" }, f.example ? String(f.example) : "—"));
      }))));
  }

  async function start() {
    try {
      var rules = await QY.api("/v1/public/format-rules?format=json", { auth: false });
      QY.categorySections(rules.categories, function (cat) {
        return [el("p", { class: "small" }, el("strong", null, "公示期限："), cat.period_rule || "—"),
          el("p", { class: "small muted" }, "共 " + cat.fields.length + " 个字段。"), table(cat)];
      });
    } catch (e) {
      QY.show("status", "error", "无法加载数据格式规范：" + e.message);
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
