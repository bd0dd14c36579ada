/* 公示查询: search enterprises by name fragment or code → result list → enterprise.html. */
(function () {
  "use strict";
  var el = QY.el;
  var cursor = null;
  var query = "";
  var seen = {};      // codes already listed: a page never shows an enterprise twice
  var seq = 0;        // a newer search supersedes one still under way

  function isCode(q) {
    var s = q.replace(/\s+/g, "").toUpperCase();
    return /^[0-9A-Z]{18}$/.test(s) || /^\d{15}$/.test(s);
  }

  function item(e) {
    var href = "/pages/enterprise.html?code=" + encodeURIComponent(e.code);
    return el("li", null,
      el("a", { class: "name", href: href }, e.name),
      el("div", { class: "meta" },
        e.uscc ? el("span", null, "统一社会信用代码：" + e.uscc) : null,
        e.regno ? el("span", null, "注册号：" + e.regno) : null,
        e.status ? el("span", null, "登记状态：" + e.status) : null,
        e.registered_elsewhere ? el("span", { class: "badge info" }, "外地登记") : null,
        e.former_names && e.former_names.length ? el("span", null, "曾用名：" + e.former_names.join("、")) : null));
  }

  async function search(more) {
    var list = document.getElementById("results");
    var moreBtn = document.getElementById("more");
    if (more && !cursor) return;     // no next page: nothing to load (never page 1 again)
    var mine = ++seq;
    if (!more) { QY.clear(list); cursor = null; seen = {}; }
    moreBtn.hidden = true;
    QY.show("status", "loading", "正在查询…");
    var path = "/v1/public/enterprises?q=" + encodeURIComponent(query) + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    try {
      var data = await QY.api(path, { auth: false });
      if (mine !== seq) return;
      (data.items || []).forEach(function (e) {
        if (seen[e.code]) return;
        seen[e.code] = true;
        list.appendChild(item(e));
      });
      cursor = data.next_cursor || null;
      moreBtn.hidden = !cursor;
      var n = list.children.length;
      if (n === 0) QY.show("status", "warn", "未查询到“" + query + "”的公示信息。请核对名称或代码。");
      else QY.show("status", "ok", "查询到 " + n + " 家企业" + (cursor ? "（还有更多）" : "") + "。");
    } catch (e) {
      if (mine !== seq) return;
      moreBtn.hidden = true;
      QY.show("status", "error", e.message);
    }
  }

  function start() {
    var input = document.getElementById("q");
    var form = document.getElementById("search-form");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = input.value.trim();
      if (!q) { QY.show("status", "error", "请输入企业名称或统一社会信用代码"); input.focus(); return; }
      if (!isCode(q) && q.replace(/\s+/g, "").length < 2) {
        QY.show("status", "error", "名称关键词至少两个字"); input.focus(); return;
      }
      query = q;
      history.replaceState(null, "", "?q=" + encodeURIComponent(q));
      search(false);
    });
    document.getElementById("more").addEventListener("click", function () { search(true); });
    var q = QY.param("q");
    if (q) {
      input.value = q;
      form.requestSubmit();
    } else {
      input.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
