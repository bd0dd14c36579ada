/* 开放数据: daily snapshot files with their (pre-signed) download links. The licence terms and
 * the one attribution line are in the page itself (opendata.html). */
(function () {
  "use strict";
  var el = QY.el;
  var KINDS = [["jsonl", "JSONL"], ["csv", "CSV"], ["delta", "变更"]];

  async function start() {
    try {
      var data = await QY.api("/v1/public/open-data", { auth: false });
      var body = document.querySelector("#files tbody");
      (data.items || []).forEach(function (it) {
        var links = [];
        KINDS.forEach(function (k) {
          var url = it.downloads && it.downloads[k[0]];
          if (url) links.push(el("a", { href: url, download: "", "aria-label": it.day + " " + k[1] + " 文件", class: "dl-" + k[0] }, k[1]), " ");
        });
        body.appendChild(el("tr", null,
          el("th", { scope: "row" }, it.day),
          el("td", { class: "num" }, it.records),
          el("td", { class: "num" }, it.changes),
          el("td", null, links)));
      });
      if (!data.items || data.items.length === 0) {
        QY.show("status", "empty", "暂无开放数据文件。每日快照生成后将在此列出。");
      } else {
        QY.hide("status");
        document.getElementById("table-wrap").hidden = false;
      }
    } catch (e) {
      QY.show("status", "error", e.message);
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
