/* 督查考核: per-department report over a date range, sortable table, xlsx export. */
(function () {
  "use strict";
  var el = QY.el;
  var report = null;
  var sort = { key: null, dir: 1 };

  function $(id) { return document.getElementById(id); }
  /* The columns, their labels and every cell's text come from the server (services/reports.py
   * COLUMNS), the same definition the xlsx export is built from. */
  function cell(col, row, i) {
    var text = row.cells ? row.cells[i] : String(row[col.key]);
    var num = col.kind === "count" || col.kind === "rate";
    var shown = col.kind === "flag" && /^是/.test(text) ? el("span", { class: "badge bad" }, text) : text;
    return el("td", { class: num ? "num" : ({ codes: "codes", time: "time" }[col.kind] || null) }, shown);
  }

  function unauthenticated() { QY.setToken(null); showLogin("登录已失效，请重新登录。"); }

  function showLogin(message) {
    $("app").hidden = true;
    $("who").hidden = true;
    $("login-view").hidden = false;
    if (message) QY.show("login-msg", "error", message); else QY.hide("login-msg");
    $("username").focus();
  }

  async function login(ev) {
    ev.preventDefault();
    var username = $("username").value.trim(), password = $("password").value;
    if (!username || !password) { QY.show("login-msg", "error", "请输入用户名和密码"); return; }
    $("login-submit").disabled = true;
    try {
      var out = await QY.api("/v1/auth/token", { method: "POST", body: { username: username, password: password }, auth: false });
      QY.setToken(out.access_token);
      $("password").value = "";
      enter();
    } catch (e) {
      QY.show("login-msg", "error", e.message);
    } finally {
      $("login-submit").disabled = false;
    }
  }

  function enter() {
    var me = QY.claims();
    if (!me) { showLogin(); return; }
    $("login-view").hidden = true;
    $("who").hidden = false;
    $("who-text").textContent = me.username + " · " + QY.roleName(me.role);
    $("app").hidden = false;
    if (!$("to").value) $("to").value = QY.today();
    if (!$("from").value) $("from").value = QY.today().slice(0, 8) + "01";
    if (me.role !== "supervisor" && me.role !== "admin") {
      QY.show("report-msg", "warn", "当前账号（" + QY.roleName(me.role) + "）不是督查或管理员账号，可能无权查看报表。");
    }
    load();
  }

  function query(fmt) {
    var q = "/v1/reports/departments?from=" + encodeURIComponent($("from").value) + "&to=" + encodeURIComponent($("to").value);
    if ($("region").value) q += "&region=" + encodeURIComponent($("region").value);
    return q + "&format=" + fmt;
  }

  function render() {
    var columns = report.columns;
    var head = QY.clear(document.querySelector("#report thead"));
    var body = QY.clear(document.querySelector("#report tbody"));
    var foot = QY.clear(document.querySelector("#report tfoot"));
    var items = (report.items || []).slice();
    $("report-caption").textContent = "统计区间：" + report.from + " 至 " + report.to + "（" + report.region_name +
      "），共 " + items.length + " 个部门 · 生成时间：" + report.generated_at_text;
    if (!items.length) {
      $("report-wrap").hidden = true;
      QY.show("report-msg", "empty", "“" + report.region_name + "”暂无部门，没有需要统计的数据。请选择其他区域。");
      return;
    }
    head.appendChild(el("tr", null, columns.map(function (col) {
      var num = col.kind === "count" || col.kind === "rate";
      var state = sort.key === col.key ? (sort.dir > 0 ? "ascending" : "descending") : null;
      if (col.kind === "codes") return el("th", { scope: "col" }, col.label);
      var btn = el("button", { type: "button", class: "sort" },
        col.label, state ? (sort.dir > 0 ? " ▲" : " ▼") : "");
      btn.addEventListener("click", function () {
        sort = { key: col.key, dir: sort.key === col.key ? -sort.dir : (num ? -1 : 1) };
        render();
        document.querySelector("#report thead th[data-key='" + col.key + "'] button").focus();
      });
      return el("th", { scope: "col", class: num ? "num" : null, "aria-sort": state, dataset: { key: col.key } }, btn);
    })));
    if (sort.key) {
      items.sort(function (a, b) {
        var x = a[sort.key], y = b[sort.key];
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * sort.dir;
      });
    }
    items.forEach(function (row) {
      body.appendChild(el("tr", { dataset: { department: row.department }, class: row.submitted ? null : "idle" },
        columns.map(function (col, i) {
          if (i === 0) {
            return el("th", { scope: "row" }, el("button", { type: "button", class: "link drill-open",
              dataset: { department: row.department }, onclick: function () { drill(row.department); } }, row.cells[0]));
          }
          return cell(col, row, i);
        })));
    });
    foot.appendChild(el("tr", null, columns.map(function (col, i) {
      if (i === 0) return el("th", { scope: "row" }, report.total.cells[0]);
      return cell(col, report.total, i);
    })));
    $("report-wrap").hidden = false;
  }

  async function load(ev) {
    if (ev) ev.preventDefault();
    if (!$("from").value || !$("to").value) { QY.show("report-msg", "error", "请选择统计区间"); return; }
    if ($("from").value > $("to").value) { QY.show("report-msg", "error", "起始日期不得晚于截止日期"); $("from").focus(); return; }
    $("xlsx-link").href = query("xlsx");
    QY.show("report-msg", "loading", "正在统计…");
    $("report-submit").disabled = true;
    try {
      report = await QY.api(query("json"), { onUnauthenticated: unauthenticated });
      QY.hide("report-msg");
      render();
    } catch (e) {
      $("report-wrap").hidden = true;
      if (e.code === "ROUTE_MISSING" || e.status === 404) QY.show("report-msg", "warn", "督查报表功能尚未开通（接口返回 404），请稍后再试。");
      else if (e.status === 403) QY.show("report-msg", "warn", e.message);
      else QY.show("report-msg", "error", e.message);
    } finally {
      $("report-submit").disabled = false;
    }
  }

  /* --- drill-down: one department's open rejections by code and its late records ------------ */
  function table(caption, headers, rows, id) {
    if (!rows.length) return el("p", { class: "muted", id: id }, "无。");
    return el("div", { class: "table-wrap" }, el("table", { id: id },
      el("caption", null, caption),
      el("thead", null, el("tr", null, headers.map(function (h) { return el("th", { scope: "col" }, h); }))),
      el("tbody", null, rows.map(function (r) { return el("tr", null, r.map(function (c) { return el("td", null, c); })); }))));
  }

  async function drill(department) {
    var box = $("drill"), body = QY.clear($("drill-body"));
    box.dataset.department = department;
    box.hidden = false;
    $("drill-title").textContent = "部门详情";
    QY.show("drill-msg", "loading", "正在加载…");
    box.focus();
    var d;
    try {
      d = await QY.api("/v1/reports/departments/" + encodeURIComponent(department) + "?from=" + encodeURIComponent($("from").value) +
        "&to=" + encodeURIComponent($("to").value), { onUnauthenticated: unauthenticated });
    } catch (e) {
      QY.show("drill-msg", "error", e.message);
      return;
    }
    QY.hide("drill-msg");
    $("drill-title").textContent = d.name + "（" + d.department + "）";
    body.appendChild(el("h3", null, "待处理的回退：" + d.rejections_open + " 条" + (d.rejections_more ? "以上" : "")));
    body.appendChild(table("按错误代码统计", ["错误代码", "条数", "最早回退时间"], d.by_code.map(function (c) {
      return [c.code, String(c.count), QY.fmtTime(c.oldest_first_seen)];
    }), "drill-codes"));
    if (d.rejections.length) {
      body.appendChild(table("最早的 " + d.rejections.length + " 条", ["文号/编号", "类别", "错误代码", "首次回退", "提交次数"], d.rejections.map(function (r) {
        return [r.source_ref || "（未填文号）", r.category_name || r.category, r.codes.join(" "), QY.fmtTime(r.first_seen), String(r.times_seen)];
      }), "drill-rejections"));
    }
    body.appendChild(el("h3", null, "迟报记录（" + d.from + " 至 " + d.to + " 接收）：" + d.late.length + " 条" + (d.late_more ? "以上" : "")));
    body.appendChild(table("迟报记录", ["文号/编号", "企业名称", "类别", "决定日期", "归集时限", "接收时间"], d.late.map(function (r) {
      return [r.source_ref || "—", r.name, r.category_name || r.category, r.decision_date || "—", r.collect_deadline || "—", QY.fmtTime(r.received_at)];
    }), "drill-late"));
  }

  /** The counties and districts come from the catalog (the same list the server checks). */
  function fillRegions() {
    return QY.catalog().then(function (c) {
      var regions = c.regions || {};
      Object.keys(regions).sort().forEach(function (code) {
        $("region").appendChild(el("option", { value: code }, regions[code]));
      });
    }).catch(function () { /* 全市 and 市级部门 only */ });
  }

  function start() {
    $("login-form").addEventListener("submit", login);
    $("report-form").addEventListener("submit", load);
    $("drill-close").addEventListener("click", function () {
      var dept = $("drill").dataset.department;
      $("drill").hidden = true;
      var back = document.querySelector("#report .drill-open[data-department='" + dept + "']");
      if (back) back.focus();
    });
    $("logout").addEventListener("click", function () { QY.setToken(null); showLogin(); QY.show("login-msg", "info", "已退出登录。"); });
    $("xlsx-link").addEventListener("click", function (ev) {
      ev.preventDefault();
      QY.show("report-msg", "info", "正在生成 Excel…");
      QY.download(query("xlsx"), "督查报表-" + $("from").value + "-" + $("to").value + ".xlsx").then(function (name) {
        QY.show("report-msg", "ok", "已下载：" + name);
      }).catch(function (e) {
        QY.show("report-msg", e.code === "ROUTE_MISSING" ? "warn" : "error",
          e.code === "ROUTE_MISSING" ? "报表导出功能尚未开通（接口返回 404），请稍后再试。" : "导出失败：" + e.message);
      });
    });
    fillRegions().then(function () { if (QY.getToken() && QY.claims()) enter(); else showLogin(); });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
