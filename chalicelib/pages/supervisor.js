/* 督查考核: per-department report over a date range, sortable table, xlsx export. */
(function () {
  "use strict";
  var el = QY.el;
  var CODES = {
    USCC_CHECKSUM: "信用代码校验错误", REGNO_CHECKSUM: "注册号校验错误", CODE_REQUIRED: "缺少企业代码",
    REQUIRED: "必填项为空", BAD_DATE: "日期格式错误", FUTURE_DATE: "日期晚于今天", BAD_ENUM: "取值不在范围内",
    TOO_LONG: "内容过长", NAME_MISMATCH: "名称与登记不符", STATE_SECRET: "涉密信息", DATE_ORDER: "日期先后错误",
    OUT_OF_SCOPE: "不属于涉企信息", DUPLICATE_IN_BATCH: "同批重复", MASK_NOT_ALLOWED: "屏蔽了不可屏蔽的字段"
  };
  var COLUMNS = [
    { key: "name", label: "部门" },
    { key: "submitted", label: "报送条数", num: true },
    { key: "accepted", label: "通过", num: true },
    { key: "rejected", label: "回退", num: true },
    { key: "rejection_rate", label: "回退率", num: true, fmt: rate },
    { key: "top_rejection_codes", label: "主要回退原因", fmt: codes, nosort: true, cls: "codes" },
    { key: "late", label: "迟报", num: true },
    { key: "published_on_time", label: "按时公示", num: true },
    { key: "published_late", label: "逾期公示", num: true },
    { key: "pending_overdue", label: "待关联超期", num: true },
    { key: "push_overdue", label: "逾期未报送", fmt: overdue },
    { key: "name_conflicts", label: "名称冲突", num: true },
    { key: "last_submission", label: "最近报送", fmt: QY.fmtTime, cls: "time" }
  ];
  var report = null;
  var sort = { key: null, dir: 1 };

  function $(id) { return document.getElementById(id); }
  function rate(v) {
    if (v === null || v === undefined) return "—";
    var pct = v <= 1 ? v * 100 : v;
    return pct.toFixed(1) + "%";
  }
  function codes(v) {
    if (!v || !v.length) return "—";
    return v.map(function (c) {
      var code = Array.isArray(c) ? c[0] : (c.code || c);
      var n = Array.isArray(c) ? c[1] : c.count;
      return (CODES[code] || code) + (n !== undefined ? "（" + n + "）" : "");
    }).join("、");
  }
  function overdue(v) {
    if (v === true || (typeof v === "number" && v > 0)) return el("span", { class: "badge bad" }, typeof v === "number" ? "是（" + v + "）" : "是");
    return "否";
  }
  function cell(col, row, tag) {
    var v = row[col.key];
    var shown = col.fmt ? col.fmt(v) : (v === null || v === undefined ? "—" : v);
    return el(tag || "td", { class: col.num ? "num" : (col.cls || null) }, shown);
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
    var head = QY.clear(document.querySelector("#report thead"));
    var body = QY.clear(document.querySelector("#report tbody"));
    var foot = QY.clear(document.querySelector("#report tfoot"));
    head.appendChild(el("tr", null, COLUMNS.map(function (col) {
      var state = sort.key === col.key ? (sort.dir > 0 ? "ascending" : "descending") : null;
      if (col.nosort) return el("th", { scope: "col", class: col.num ? "num" : null }, col.label);
      var btn = el("button", { type: "button", class: "sort" },
        col.label, state ? (sort.dir > 0 ? " ▲" : " ▼") : "");
      btn.addEventListener("click", function () {
        sort = { key: col.key, dir: sort.key === col.key ? -sort.dir : (col.num ? -1 : 1) };
        render();
        document.querySelector("#report thead th[data-key='" + col.key + "'] button").focus();
      });
      return el("th", { scope: "col", class: col.num ? "num" : null, "aria-sort": state, dataset: { key: col.key } }, btn);
    })));
    var items = (report.items || []).slice();
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
      body.appendChild(el("tr", { dataset: { department: row.department } }, COLUMNS.map(function (col, i) {
        if (i === 0) return el("th", { scope: "row" }, row.name || row.department);
        return cell(col, row);
      })));
    });
    if (report.total) {
      foot.appendChild(el("tr", null, COLUMNS.map(function (col, i) {
        if (i === 0) return el("th", { scope: "row" }, "合计");
        if (col.key === "last_submission") return el("td", null, "");
        return cell(col, report.total);
      })));
    }
    $("report-caption").textContent = "统计区间：" + report.from + " 至 " + report.to + "，共 " + items.length + " 个部门";
    $("report-wrap").hidden = false;
  }

  async function load(ev) {
    if (ev) ev.preventDefault();
    if (!$("from").value || !$("to").value) { QY.show("report-msg", "error", "请选择统计区间"); return; }
    if ($("from").value > $("to").value) { QY.show("report-msg", "error", "起始日期不得晚于截止日期"); $("from").focus(); return; }
    $("xlsx-link").href = query("xlsx");
    QY.show("report-msg", "info", "正在统计…");
    $("report-submit").disabled = true;
    try {
      report = await QY.api(query("json"), { onUnauthenticated: unauthenticated });
      QY.hide("report-msg");
      render();
    } catch (e) {
      $("report-wrap").hidden = true;
      if (e.code === "ROUTE_MISSING" || e.status === 404) QY.show("report-msg", "warn", "督查报表功能尚未开通（接口返回 404），请稍后再试。");
      else QY.show("report-msg", "error", e.message);
    } finally {
      $("report-submit").disabled = false;
    }
  }

  function start() {
    $("login-form").addEventListener("submit", login);
    $("report-form").addEventListener("submit", load);
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
    if (QY.getToken() && QY.claims()) enter(); else showLogin();
  }
  document.addEventListener("DOMContentLoaded", start);
})();
