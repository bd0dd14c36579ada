/* 企业公示页: profile, 联合惩戒 credit check, published records in one tab per category. */
(function () {
  "use strict";
  var el = QY.el;
  var entCode = "";   // the enterprise shown (its records' 异议 / 信用修复 links)
  var TAB_NAMES = {
    registration: "登记信息", admin_license: "行政许可", admin_penalty: "行政处罚", inspection: "抽查检查",
    abnormal_list: "经营异常名录", serious_violation: "严重违法失信", chattel_mortgage: "动产抵押",
    equity_pledge: "股权出质", trademark: "商标注册", other: "其他信息"
  };

  function profileRows(e) {
    var rows = [["统一社会信用代码", e.uscc], ["注册号", e.regno], ["登记状态", e.status]];
    if (e.former_names && e.former_names.length) rows.push(["曾用名", e.former_names.join("、")]);
    if (e.registered_elsewhere) rows.push(["登记地", "外地登记（由其登记机关公示）"]);
    var out = [];
    rows.forEach(function (r) { if (r[1]) out.push(el("dt", null, r[0]), el("dd", null, r[1])); });
    return out;
  }

  function recordCard(rec, cat) {
    var dl = el("dl", { class: "fields" });
    var shown = {};
    (cat ? cat.fields : []).forEach(function (f) {
      if (!(f.json_name in rec.fields)) return;
      shown[f.json_name] = true;
      dl.appendChild(el("dt", null, f.label));
      dl.appendChild(el("dd", { dataset: { field: f.json_name } }, QY.fieldText(rec.fields[f.json_name], f)));
    });
    Object.keys(rec.fields || {}).forEach(function (k) {
      if (shown[k]) return;
      dl.appendChild(el("dt", null, k));
      dl.appendChild(el("dd", null, QY.fieldText(rec.fields[k])));
    });
    dl.appendChild(el("dt", null, "公示部门"));
    dl.appendChild(el("dd", null, rec.department_name || rec.department || "—"));
    dl.appendChild(el("dt", null, "公示日期"));
    dl.appendChild(el("dd", null, QY.fmtTime(rec.published_at)));
    if (rec.publish_until) {
      dl.appendChild(el("dt", null, "公示截止"));
      dl.appendChild(el("dd", null, QY.fieldText(rec.publish_until, { type: "date" })));
    }
    var title = rec.category === "registration" ? "登记信息" : (rec.source_ref || "记录");
    return el("section", { class: "record", id: "rec-" + rec.record_id, "aria-label": title },
      el("h3", null, title, rec.decision_date ? el("span", { class: "muted small" }, "　" + rec.decision_date) : null),
      dl, caseLinks(rec, cat));
  }

  /** 异议 / 信用修复 from this record (SPEC §5.2): the public page to file one. */
  function caseLinks(rec, cat) {
    if (rec.category === "registration") return null;
    var base = "/pages/objection.html?code=" + encodeURIComponent(entCode) + "&record_id=" + encodeURIComponent(rec.record_id);
    var label = rec.source_ref || "该信息";
    return el("p", { class: "small no-print record-actions" },
      el("a", { href: base + "&kind=objection", "aria-label": "对「" + label + "」提出异议" }, "对此信息有异议"),
      cat && cat.repairable ? ["　·　", el("a", { href: base + "&kind=repair", "aria-label": "就「" + label + "」申请信用修复" }, "申请信用修复")] : null);
  }

  function selectTab(tabs, i, focus) {
    tabs.forEach(function (t, j) {
      var on = i === j;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tabs[i].focus();
    tabs[i].scrollIntoView({ block: "nearest", inline: "nearest" });
    history.replaceState(null, "", "#" + tabs[i].dataset.category);
  }

  /** On a narrow screen the tab strip scrolls sideways: say so, and fade the edge that has more. */
  function tabsCue(tabs) {
    var strip = document.getElementById("tabs");
    var wrap = document.getElementById("tabs-wrap");
    document.getElementById("tabs-count").textContent = tabs.length;
    function update() {
      var more = strip.scrollWidth - strip.clientWidth > 1;
      document.getElementById("tabs-cue").hidden = !more;
      wrap.classList.toggle("more-right", more && strip.scrollLeft + strip.clientWidth < strip.scrollWidth - 1);
      wrap.classList.toggle("more-left", more && strip.scrollLeft > 1);
    }
    strip.addEventListener("scroll", update, { passive: true });
    window.addEventListener("resize", update);
    update();
  }

  function buildTabs(data, cat) {
    var tablist = document.getElementById("tabs");
    var panels = document.getElementById("panels");
    var tabs = [];
    data.categories.forEach(function (group) {
      var id = group.category;
      var n = group.records.length;
      var tab = el("button", {
        type: "button", role: "tab", id: "tab-" + id, "aria-controls": "panel-" + id,
        "aria-selected": "false", tabindex: "-1", dataset: { category: id }
      }, TAB_NAMES[id] || group.name, el("span", { class: "count" }, "(" + n + ")"));
      var panel = el("div", { role: "tabpanel", id: "panel-" + id, "aria-labelledby": "tab-" + id, tabindex: "0", hidden: true },
        el("h3", { class: "print-only panel-title", "aria-hidden": "true" }, group.name + "（" + n + " 条）"));
      if (n === 0) panel.appendChild(el("p", { class: "muted" }, "暂无" + group.name + "。"));
      group.records.forEach(function (rec) { panel.appendChild(recordCard(rec, cat.byId[id])); });
      tablist.appendChild(tab);
      panels.appendChild(panel);
      tabs.push(tab);
    });
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { selectTab(tabs, i, false); });
      tab.addEventListener("keydown", function (ev) {
        var k = ev.key, j = null;
        if (k === "ArrowRight") j = (i + 1) % tabs.length;
        else if (k === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
        else if (k === "Home") j = 0;
        else if (k === "End") j = tabs.length - 1;
        if (j !== null) { ev.preventDefault(); selectTab(tabs, j, true); }
      });
    });
    var wanted = window.location.hash.slice(1);
    var start = tabs.findIndex(function (t) { return t.dataset.category === wanted; });
    if (start < 0) start = data.categories.findIndex(function (g) { return g.records.length > 0; });
    selectTab(tabs, Math.max(start, 0), false);
    tabsCue(tabs);
    return tabs;
  }

  async function credit(code, tabs) {
    var box = document.getElementById("credit");
    var list = document.getElementById("credit-reasons");
    box.appendChild(el("span", { class: "muted" }, "正在核查联合惩戒信息…"));
    try {
      var c = await QY.api("/v1/public/enterprises/" + encodeURIComponent(code) + "/credit-check", { auth: false });
      QY.clear(box);
      if (c.restricted) {
        box.appendChild(el("span", { class: "badge bad", id: "credit-badge" }, "受限：联合惩戒对象"));
        box.appendChild(el("span", { class: "small" }, "一处违法，处处受限。以下信息仍在有效期内："));
        (c.reasons || []).forEach(function (r) {
          var link = el("a", { href: "#" + r.category }, r.reason || r.category);
          link.addEventListener("click", function (ev) {
            ev.preventDefault();
            var i = tabs.findIndex(function (t) { return t.dataset.category === r.category; });
            if (i >= 0) selectTab(tabs, i, true);
            var target = document.getElementById("rec-" + r.record_id);
            if (target) target.scrollIntoView();
          });
          list.appendChild(el("li", null, link, "　自 " + (r.since || "—") + (r.until ? " 至 " + r.until : " 起，尚未移出")));
        });
      } else {
        box.appendChild(el("span", { class: "badge ok", id: "credit-badge" }, "未发现联合惩戒信息"));
      }
      box.appendChild(el("span", { class: "muted small" }, "核查时间：" + QY.fmtTime(c.checked_at)));
    } catch (e) {
      QY.clear(box);
      box.appendChild(el("span", { class: "badge warn", id: "credit-badge" }, "联合惩戒核查暂不可用：" + e.message));
    }
  }

  async function start() {
    var code = (QY.param("code") || "").trim();
    if (!code) { QY.show("status", "error", "缺少企业代码，请从查询页进入。"); return; }
    try {
      var results = await Promise.all([
        QY.api("/v1/public/enterprises/" + encodeURIComponent(code), { auth: false }),
        QY.catalog()
      ]);
      var data = results[0], cat = results[1];
      var e = data.enterprise;
      entCode = e.code;
      document.title = e.name + " · 企业公示信息";
      document.getElementById("ent-name").textContent = e.name;
      QY.clear(document.getElementById("ent-profile"));
      profileRows(e).forEach(function (n) { document.getElementById("ent-profile").appendChild(n); });
      document.getElementById("total").textContent = "共 " + data.total + " 条";
      document.getElementById("enterprise").hidden = false;
      QY.hide("status");
      var tabs = buildTabs(data, cat);
      var printBtn = document.getElementById("print");
      printBtn.hidden = false;
      printBtn.addEventListener("click", function () { window.print(); });
      var pdf = document.getElementById("report-pdf");
      pdf.href = "/v1/public/enterprises/" + encodeURIComponent(e.code) + "/report.pdf";
      pdf.hidden = false;
      document.getElementById("verify-link").hidden = false;
      credit(e.code, tabs);
    } catch (err) {
      QY.show("status", err.status === 404 ? "warn" : "error", err.message);
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
