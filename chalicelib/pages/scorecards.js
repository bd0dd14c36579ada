/* 部门记分卡: GET /v1/public/scorecards?month=YYYY-MM, one row per department (built daily; `through` = last day counted). */
(function () {
  "use strict";
  var el = QY.el;

  function pct(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }

  async function load(month) {
    QY.show("status", "info", "正在加载…");
    try {
      var data = await QY.api("/v1/public/scorecards?month=" + encodeURIComponent(month), { auth: false });
      var body = document.querySelector("#cards tbody");
      body.textContent = "";
      document.getElementById("caption").textContent = data.month + " 部门记分卡" +
        (data.through ? "（统计至 " + data.through + "，每日 8 时更新）" : "");
      (data.items || []).forEach(function (c) {
        body.appendChild(el("tr", null,
          el("th", { scope: "row" }, c.name + "（" + c.department + "）"),
          el("td", { class: "num" }, c.submitted),
          el("td", { class: "num" }, c.published),
          el("td", { class: "num" }, pct(c.published_on_time_share)),
          el("td", { class: "num" }, c.median_days_to_publication === null ? "—" : c.median_days_to_publication),
          el("td", { class: "num" }, pct(c.rejection_rate)),
          el("td", null, (c.top_rejection_codes || []).map(function (t) { return t[0] + "×" + t[1]; }).join("；"))));
      });
      QY.hide("status");
      document.getElementById("table-wrap").hidden = false;
    } catch (e) {
      QY.show("status", "error", e.message);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("month");
    input.value = new Date().toISOString().slice(0, 7);
    document.getElementById("month-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      load(input.value);
    });
    load(input.value);
  });
})();
