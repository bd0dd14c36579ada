/* 公示查询: search enterprises by name fragment or code → result list (tags, record counts,
 * county and status filters) → enterprise.html. Paging never lists an enterprise twice. The
 * filters work over the results loaded so far (the API has no region/status filter yet). */
(function () {
  "use strict";
  var el = QY.el;
  var cursor = null;
  var query = "";
  var seen = {};      // codes already listed: a page never shows an enterprise twice
  var seq = 0;        // a newer search supersedes one still under way
  var regions = {};   // county code → name, from the catalog

  function isCode(q) {
    var s = q.replace(/\s+/g, "").toUpperCase();
    return /^[0-9A-Z]{18}$/.test(s) || /^\d{15}$/.test(s);
  }

  function tags(e) {
    var out = [];
    if (e.restricted) out.push(el("span", { class: "badge bad tag", dataset: { tag: "restricted" } }, "受限"));
    if (e.abnormal) out.push(el("span", { class: "badge warn tag", dataset: { tag: "abnormal" } }, "异常"));
    if (e.registered_elsewhere) out.push(el("span", { class: "badge info tag", dataset: { tag: "elsewhere" } }, "外地登记"));
    return out;
  }

  function regionName(code) {
    if (!code) return null;
    return regions[code] || (code.slice(0, 4) === "5108" ? "广元市" : "外地");
  }

  function item(e) {
    var href = "/pages/enterprise.html?code=" + encodeURIComponent(e.code);
    var n = typeof e.records === "number" ? e.records : null;
    return el("li", { dataset: { code: e.code, region: e.region || "", status: statusKey(e) } },
      el("div", { class: "result-head" },
        el("a", { class: "name", href: href }, e.name),
        el("span", { class: "tags" }, tags(e))),
      el("div", { class: "meta" },
        e.uscc ? el("span", null, "统一社会信用代码：" + e.uscc) : null,
        e.regno ? el("span", null, "注册号：" + e.regno) : null,
        e.status ? el("span", null, "登记状态：" + e.status) : null,
        e.region ? el("span", null, "区县：" + regionName(e.region)) : null,
        n !== null ? el("span", { class: "count" }, "公示信息 " + n + " 条") : null,
        e.former_names && e.former_names.length ? el("span", null, "曾用名：" + e.former_names.join("、")) : null));
  }

  function statusKey(e) {
    var keys = [];
    if (e.restricted) keys.push("restricted");
    if (e.abnormal) keys.push("abnormal");
    if (e.registered_elsewhere) keys.push("elsewhere");
    return keys.length ? keys.join(" ") : "clean";
  }

  /** Shows only the results that pass the county and status filters; returns how many. */
  function applyFilters() {
    var region = document.getElementById("filter-region").value;
    var status = document.getElementById("filter-status").value;
    var shown = 0;
    Array.prototype.forEach.call(document.getElementById("results").children, function (li) {
      var ok = (!region || li.dataset.region === region) &&
        (!status || li.dataset.status.split(" ").indexOf(status) >= 0);
      li.hidden = !ok;
      if (ok) shown++;
    });
    return shown;
  }

  function report() {
    var n = document.getElementById("results").children.length;
    var shown = applyFilters();
    document.getElementById("filters").hidden = n === 0;
    if (n === 0) QY.show("status", "empty", "未查询到“" + query + "”的公示信息。请核对名称或代码。");
    else QY.show("status", "ok", "查询到 " + n + " 家企业" + (shown !== n ? "，筛选后显示 " + shown + " 家" : "") +
      (cursor ? "（还有更多，可点击“加载更多”）" : "") + "。");
  }

  async function search(more) {
    var list = document.getElementById("results");
    var moreBtn = document.getElementById("more");
    if (more && !cursor) return;     // no next page: nothing to load (never page 1 again)
    var mine = ++seq;
    if (!more) { QY.clear(list); cursor = null; seen = {}; }
    moreBtn.hidden = true;
    list.setAttribute("aria-busy", "true");
    QY.show("status", "loading", "正在查询…");
    try {
      // A page of the name index may hold no match at all: read on (a few pages) rather than
      // offer a 加载更多 that adds nothing.
      for (var hop = 0; hop < 5; hop++) {
        var path = "/v1/public/enterprises?q=" + encodeURIComponent(query) + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
        var data = await QY.api(path, { auth: false });
        if (mine !== seq) return;
        var added = 0;
        (data.items || []).forEach(function (e) {
          if (seen[e.code]) return;
          seen[e.code] = true;
          list.appendChild(item(e));
          added++;
        });
        cursor = data.next_cursor || null;
        if (added || !cursor) break;
      }
      moreBtn.hidden = !cursor;
      report();
    } catch (e) {
      if (mine !== seq) return;
      moreBtn.hidden = true;
      QY.show("status", "error", e.message);
    } finally {
      if (mine === seq) list.removeAttribute("aria-busy");
    }
  }

  function fillRegions() {
    return QY.catalog().then(function (c) {
      regions = c.regions || {};
      var sel = document.getElementById("filter-region");
      Object.keys(regions).sort().forEach(function (code) {
        sel.appendChild(el("option", { value: code }, regions[code]));
      });
    }).catch(function () { /* the filter keeps 全部区县 only */ });
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
    ["filter-region", "filter-status"].forEach(function (id) {
      document.getElementById(id).addEventListener("change", report);
    });
    document.getElementById("filters").addEventListener("submit", function (ev) { ev.preventDefault(); });
    fillRegions().then(function () {
      var q = QY.param("q");
      if (q) {
        input.value = q;
        form.requestSubmit();
      } else {
        input.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
