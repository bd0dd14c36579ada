/* 部门门户: login, dashboard, templates, spreadsheet upload with progress, single-record entry
 * (department defaults, registry look-up, a draft kept in the browser, "提交并录入下一条"), own
 * records (server-side search, detail with versions, modify, withdraw, reinstate), the 回退 inbox
 * (each rejection opened in the entry form with its errors, resubmitted or dismissed) and the
 * upload history. Views are chosen by the URL hash: #dashboard #upload #entry #records
 * #record/<record_id> #rejections[/upload=<upload_id>] #fix/<rejection_id> #uploads. */
(function () {
  "use strict";
  var el = QY.el;
  var DEPT_KEY = "qygs.dept";
  var OPS = { create: "新增", modify: "修改", withdraw: "撤销", rematch: "重新关联" };
  var cat = null;        // the catalog
  var me = null;         // the token's claims
  var entry = null;      // the entry form
  var recordsCursor = null;
  var recordsItems = [];
  var recordsSeq = 0;
  var recordsQuery = "";
  var recordsSearch = false;
  /* The records list's filters → the query parameters of GET /v1/records (server-side search
   * through an index: 文号 prefix, enterprise code, name, received-date range). */
  var RECORD_FILTERS = {
    "filter-category": "category", "filter-state": "state", "filter-ref": "ref",
    "filter-code": "code", "filter-name": "name", "filter-from": "from", "filter-to": "to"
  };
  var uploadRun = 0;     // increments per upload; an older poll loop stops
  var prefs = null;      // the department's preferences (entry-form defaults), GET /v1/preferences
  var approvedItems = null;  // the 目录 (GET /v1/public/catalog-items): the entry form's item_code drop-down
  var draftTimer = null;
  var entryPristine = "";  // the entry form's values as built (defaults only): not a draft
  var rejCursor = null, rejItems = [], rejSeq = 0, rejQuery = "";
  var upCursor = null, upSeq = 0;
  var VIEWS = ["dashboard", "upload", "entry", "records", "record", "rejections", "fix", "uploads"];
  var CHANNELS = { batch: "接口推送", upload: "批量上传", form: "单条录入" };
  var REJ_STATES = { open: ["待处理", "warn"], resolved: ["已处理", "ok"], dismissed: ["已忽略", "info"] };

  function $(id) { return document.getElementById(id); }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function unauthenticated() {
    saveDraftNow();       // the half-typed record outlives the login
    QY.setToken(null);
    showLogin("登录已失效，请重新登录。");
  }
  function call(path, opts) {
    return QY.api(path, Object.assign({ onUnauthenticated: unauthenticated }, opts || {}));
  }

  /* --- who am I, which department, which categories ------------------------------------- */
  function department() {
    if (me && me.department) return me.department;
    if (me && me.role === "admin") return $("acting-dept").value || null;
    return null;
  }
  function departmentInfo(id) {
    if (!id) return null;
    if (cat.departmentsById[id]) return cat.departmentsById[id];
    var base = id.split("-").pop();   // <region>-dNN: same categories as the city department
    return cat.departmentsById[base] || null;
  }
  function allowedCategories() {
    var d = departmentInfo(department());
    var ids = d ? d.categories : [];
    return ids.map(function (id) { return cat.byId[id]; }).filter(Boolean);
  }
  function categoryName(id) { return cat.byId[id] ? cat.byId[id].name : id; }
  function withDept(body) {
    if (me.role === "admin") body.department = department();
    return body;
  }
  function deptQuery() {
    return me.role === "admin" && department() ? "&department=" + encodeURIComponent(department()) : "";
  }
  function canChange() { return me.role === "operator" || me.role === "system"; }

  /* --- login ------------------------------------------------------------------------------ */
  function showLogin(message) {
    $("app").hidden = true;
    $("who").hidden = true;
    $("login-view").hidden = false;
    if (message) QY.show("login-msg", "error", message); else QY.hide("login-msg");
    $("username").focus();
  }

  async function login(ev) {
    ev.preventDefault();
    var username = $("username").value.trim();
    var password = $("password").value;
    if (!username || !password) {
      QY.show("login-msg", "error", "请输入用户名和密码");
      (username ? $("password") : $("username")).focus();
      return;
    }
    $("login-submit").disabled = true;
    QY.show("login-msg", "info", "正在登录…");
    try {
      var out = await QY.api("/v1/auth/token", { method: "POST", body: { username: username, password: password }, auth: false });
      QY.setToken(out.access_token);
      $("password").value = "";
      QY.hide("login-msg");
      await enter();
    } catch (e) {
      QY.show("login-msg", "error", e.message);
      $("password").focus();
    } finally {
      $("login-submit").disabled = false;
    }
  }

  function logout() {
    clearTimeout(draftTimer);
    if (me) QY.draft.dropAll(me.username);
    entry = null;
    QY.setToken(null);
    uploadRun++;
    history.replaceState(null, "", window.location.pathname);
    showLogin("已退出登录。");
    QY.show("login-msg", "info", "已退出登录。");
  }

  async function enter() {
    me = QY.claims();
    if (!me) { showLogin(); return; }
    try {
      cat = await QY.catalog();
    } catch (e) {
      showLogin("目录加载失败：" + e.message);
      return;
    }
    $("login-view").hidden = true;
    $("who").hidden = false;
    if (me.role === "supervisor") {
      $("who-text").textContent = me.username + " · " + QY.roleName(me.role);
      $("app").hidden = false;
      document.querySelector("#app nav").hidden = true;
      QY.show("app-msg", "info", ["督查账号请使用", el("a", { href: "/pages/supervisor.html" }, "督查考核页面"), "查看各部门报表。"]);
      return;
    }
    document.querySelector("#app nav").hidden = false;
    $("nav-review").hidden = !QY.isReviewer(me, cat);   // 市工商局 reviews the 目录
    QY.hide("app-msg");
    if (me.role === "admin") {
      var sel = $("acting-dept");
      QY.clear(sel);
      cat.departments.forEach(function (d) { sel.appendChild(el("option", { value: d.id }, d.id + " " + d.name)); });
      sel.value = sessionStorage.getItem(DEPT_KEY) || QY.registryDepartment(cat).id;
      $("acting-box").hidden = false;
    } else {
      $("acting-box").hidden = true;
    }
    var dep = departmentInfo(department());
    $("who-text").textContent = me.username + " · " + (dep ? dep.name : (me.department || "")) + " · " + QY.roleName(me.role);
    $("app-title").textContent = "部门门户" + (dep ? "：" + dep.name : "");
    $("app").hidden = false;
    await loadPreferences();
    if (!approvedItems) approvedItems = await QY.all("/v1/public/catalog-items?format=json", { auth: false }).catch(function () { return null; });
    fillCategories();
    route();
  }

  async function loadPreferences() {
    prefs = null;
    if (!department()) return;
    try {
      prefs = await call("/v1/preferences" + (me.role === "admin" ? "?department=" + encodeURIComponent(department()) : ""));
    } catch (e) {
      prefs = null;      // no defaults: the form still works
    }
  }

  function fillCategories() {
    var cats = allowedCategories();
    ["upload-category", "entry-category"].forEach(function (id) {
      var sel = $(id), keep = sel.value;
      QY.clear(sel);
      cats.forEach(function (c) { sel.appendChild(el("option", { value: c.id }, c.name)); });
      if (id === "entry-category" && !keep) keep = QY.draft.lastCategory(me.username, department());
      if (keep && cats.some(function (c) { return c.id === keep; })) sel.value = keep;
    });
    ["filter-category", "rej-category"].forEach(function (id) {
      var filter = $(id), keepF = filter.value;
      QY.clear(filter);
      filter.appendChild(el("option", { value: "" }, "全部类别"));
      cats.forEach(function (c) { filter.appendChild(el("option", { value: c.id }, c.name)); });
      filter.value = keepF && cats.some(function (c) { return c.id === keepF; }) ? keepF : "";
    });
    var list = QY.clear($("templates"));
    cats.forEach(function (c) {
      var href = "/v1/templates/" + encodeURIComponent(c.id);
      var a = el("a", { href: href, download: c.name + ".xlsx", class: "template-link", dataset: { category: c.id } }, c.name + " 模板（xlsx）");
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        $("upload-category").value = c.id;       // the upload below is for the template just chosen
        QY.show("template-msg", "loading", "正在下载 " + c.name + " 模板…");
        QY.download(href, c.name + ".xlsx").then(function (name) {
          QY.show("template-msg", "ok", "已下载：" + name);
        }).catch(function (e) {
          QY.show("template-msg", "error", (e.code === "ROUTE_MISSING" ? "模板下载暂未开通，请稍后再试。" : "模板下载失败：" + e.message));
        });
      });
      list.appendChild(el("li", null, a));
    });
    buildEntryForm();
  }

  /* --- views ------------------------------------------------------------------------------ */
  function route() {
    if (!me || $("app").hidden || me.role === "supervisor") return;
    var hash = window.location.hash.slice(1) || "dashboard";
    var view = hash.split("/")[0];
    if (VIEWS.indexOf(view) < 0) view = "dashboard";
    document.querySelectorAll("#app section[data-view]").forEach(function (s) { s.hidden = s.dataset.view !== view; });
    document.querySelectorAll(".portal-nav a").forEach(function (a) {
      if (a.dataset.view === view || (view === "record" && a.dataset.view === "records") ||
          (view === "fix" && a.dataset.view === "rejections")) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    if (view === "dashboard") loadDashboard();
    else if (view === "records") { if (!recordsItems.length) loadRecords(false); }
    else if (view === "record") loadRecord(decodeURIComponent(hash.slice(7)));
    else if (view === "rejections") {
      var m = /^rejections\/upload=(.+)$/.exec(hash);
      if (m) { $("rej-upload").value = decodeURIComponent(m[1]); $("rej-state").value = "open"; }
      loadRejections(false);
    }
    else if (view === "fix") loadFix(decodeURIComponent(hash.slice(4)));
    else if (view === "uploads") loadUploads(false);
  }

  /* --- dashboard -------------------------------------------------------------------------- */
  function stat(n, label, kind) {
    return el("div", { class: "stat" + (kind ? " " + kind : "") }, el("span", { class: "n" }, n), el("span", { class: "t" }, label));
  }

  function recordsTable(items, caption) {
    if (!items.length) return el("p", { class: "muted" }, "暂无。");
    return el("div", { class: "table-wrap" }, el("table", null,
      el("caption", { class: "visually-hidden" }, caption),
      el("thead", null, el("tr", null, ["文号/编号", "企业名称", "类别", "状态", "接收时间"].map(function (h) { return el("th", { scope: "col" }, h); }))),
      el("tbody", null, items.map(function (r) {
        return el("tr", null,
          el("td", null, el("a", { href: "#record/" + encodeURIComponent(r.record_id) }, r.source_ref)),
          el("td", null, r.name), el("td", null, categoryName(r.category)),
          el("td", null, QY.stateName(r.state)), el("td", null, QY.fmtTime(r.received_at)));
      }))));
  }

  async function loadDashboard() {
    if (!department()) return;
    QY.show("dash-status", "info", "正在统计本部门报送情况…");
    var items = [], cursor = null, pages = 0, MAX_PAGES = 10;
    try {
      do {
        var page = await call("/v1/records?limit=200" + deptQuery() + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
        items = items.concat(page.items || []);
        cursor = page.next_cursor;
        pages++;
      } while (cursor && pages < MAX_PAGES);
    } catch (e) {
      QY.show("dash-status", "error", e.message);
      return;
    }
    var live = items.filter(function (r) { return r.state !== "withdrawn"; });
    var count = function (pred) { return items.filter(pred).length; };
    var pending = live.filter(function (r) { return r.match === "pending"; });
    var waiting = count(function (r) { return r.state === "accepted" && r.match !== "pending" && r.publishable !== false; });
    var stats = QY.clear($("stats"));
    stats.appendChild(stat(items.length, "记录总数"));
    stats.appendChild(stat(count(function (r) { return r.state === "published"; }), "已公示", "ok"));
    stats.appendChild(stat(waiting, "待公示"));
    stats.appendChild(stat(pending.length, "待关联", pending.length ? "warn" : ""));
    stats.appendChild(stat(count(function (r) { return r.late; }), "迟报（超过归集时限）", "warn"));
    stats.appendChild(stat(count(function (r) { return r.match === "elsewhere"; }), "外地登记企业"));
    stats.appendChild(stat(count(function (r) { return r.state === "archived"; }), "已归档"));
    stats.appendChild(stat(count(function (r) { return r.state === "withdrawn"; }), "已撤销", "bad"));
    var inbox = el("a", { href: "#rejections", class: "stat warn", id: "dash-rejections" },
      el("span", { class: "n" }, "…"), el("span", { class: "t" }, "待处理回退（点击处理）"));
    stats.appendChild(inbox);
    collect("/v1/rejections?state=open&limit=200" + deptQuery(), null, 1000, 5).then(function (page) {
      inbox.firstChild.textContent = page.items.length + (page.next_cursor ? "+" : "");
      if (!page.items.length) inbox.className = "stat";
    }).catch(function () { inbox.firstChild.textContent = "—"; });
    QY.clear($("pending-box")).appendChild(recordsTable(pending, "待关联记录"));
    var recent = items.slice().sort(function (a, b) { return (b.updated_at || "").localeCompare(a.updated_at || ""); }).slice(0, 10);
    QY.clear($("recent-box")).appendChild(recordsTable(recent, "最近报送"));
    if (cursor) QY.show("dash-status", "warn", "记录较多，以上统计仅含最近的 " + items.length + " 条。");
    else QY.hide("dash-status");
  }

  /* --- upload ----------------------------------------------------------------------------- */
  function postToStorage(url, fields, file, onProgress) {
    return new Promise(function (resolve, reject) {
      var form = new FormData();
      Object.keys(fields || {}).forEach(function (k) { form.append(k, fields[k]); });
      form.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.upload.onprogress = function (ev) { if (ev.lengthComputable) onProgress(ev.loaded / ev.total); };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve();
        else {
          var m = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText || "");
          reject(new Error("文件上传到存储失败（HTTP " + xhr.status + (m ? "：" + m[1] : "") + "）"));
        }
      };
      xhr.onerror = function () { reject(new Error("文件上传到存储失败（网络错误），请重试")); };
      xhr.send(form);
    });
  }

  /** A failed file's details, for people: missing columns by name; technical ones are left out. */
  function detailText(d) {
    if (d === null || d === undefined) return "";
    if (typeof d !== "object") return String(d);
    if (d.label) return "缺少列「" + d.label + "」";
    if (d.message) return (d.field ? d.field + "：" : "") + d.message;
    return "";
  }

  function renderUpload(u) {
    var bar = $("upload-bar");
    var total = u.rows_total, done = u.rows_done || 0;
    var phase = { waiting: "等待处理…", processing: "正在校验和入库…", done: "处理完成", failed: "处理失败" }[u.state] || u.state;
    $("upload-phase").textContent = phase;
    if (u.state === "done") { bar.max = 100; bar.value = 100; }
    else if (u.state === "failed") { bar.max = 100; bar.value = 0; }
    else if (total) { bar.max = total; bar.value = Math.min(done, total); }
    else bar.removeAttribute("value");
    $("upload-rows").textContent = total ? "已处理 " + done + " / " + total + " 行" : (done ? "已处理 " + done + " 行" : "");
  }

  function renderUploadResult(u) {
    var box = QY.clear($("upload-result"));
    if (u.state === "done") {
      box.appendChild(el("div", { class: "stat-grid", id: "upload-counts" },
        stat(u.rows_total != null ? u.rows_total : (u.accepted + u.rejected), "数据行"),
        stat(u.accepted, "通过", "ok"),
        u.unchanged ? stat(u.unchanged, "未变化") : null,
        stat(u.rejected, "回退", u.rejected ? "bad" : "")));
      if (u.rejected && u.feedback_url) {
        box.appendChild(el("p", null, el("a", { href: u.feedback_url, class: "button", id: "feedback-link", download: "" },
          "下载回退文件（含错误原因）")));
        box.appendChild(el("p", { class: "small muted" }, "回退文件只包含未通过的行，前三列是原行号、错误原因和修改建议；改正后可直接再次上传。也可以在",
          el("a", { href: "#rejections/upload=" + encodeURIComponent(u.upload_id), id: "upload-inbox-link" }, "回退待办"), "中逐条修改后重新提交。"));
      } else if (!u.rejected) {
        box.appendChild(el("p", { class: "msg ok" }, "全部数据通过校验。"));
      }
    } else if (u.state === "failed") {
      var err = u.error || {};
      var details = (err.details || []).map(detailText).filter(Boolean);
      box.appendChild(el("div", { class: "msg error", role: "alert", id: "upload-error" },
        el("strong", null, "文件未被接收，没有任何一行入库：" + (err.message || "处理失败")),
        details.length ? el("ul", null, details.map(function (d) { return el("li", null, d); })) : null,
        err.code ? el("div", { class: "small" }, "错误代码：" + err.code) : null));
    }
  }

  async function upload(ev) {
    ev.preventDefault();
    var category = $("upload-category").value;
    var file = $("upload-file").files[0];
    if (!file) { QY.show("app-msg", "error", "请选择要上传的表格文件（.xlsx、.xls、.ods 或 .csv）"); $("upload-file").focus(); return; }
    if (!/\.(xlsx|xls|ods|csv)$/i.test(file.name)) { QY.show("app-msg", "error", "只支持 .xlsx、.xls、.ods、.csv 格式的文件：请用 Excel、WPS 或 LibreOffice 打开下载的模板填写后另存为其中一种格式"); $("upload-file").focus(); return; }
    QY.hide("app-msg");
    var run = ++uploadRun;
    var submit = $("upload-submit");
    submit.disabled = true;
    $("upload-progress").hidden = false;
    QY.clear($("upload-result"));
    var bar = $("upload-bar");
    try {
      $("upload-phase").textContent = "正在申请上传…";
      $("upload-rows").textContent = "";
      bar.removeAttribute("value");
      var slot = await call("/v1/uploads", { method: "POST", body: withDept({ category: category, filename: file.name }) });
      if (slot.max_bytes && file.size > slot.max_bytes) {
        throw new QY.ApiError(413, "FILE_TOO_LARGE", "文件超过 " + Math.floor(slot.max_bytes / 1048576) + " MB 上限", []);
      }
      $("upload-phase").textContent = "正在上传文件…";
      bar.max = 100;
      await postToStorage(slot.url, slot.fields, file, function (f) {
        bar.value = Math.round(f * 100);
        $("upload-rows").textContent = "已上传 " + Math.round(f * 100) + "%";
      });
      $("upload-file").value = "";
      var delay = 700, started = Date.now();
      for (;;) {
        if (run !== uploadRun) return;
        var u = await call("/v1/uploads/" + encodeURIComponent(slot.upload_id));
        renderUpload(u);
        if (u.state === "done" || u.state === "failed") { renderUploadResult(u); break; }
        if (Date.now() - started > 20 * 60 * 1000) {
          $("upload-phase").textContent = "处理时间较长，请稍后在“本部门记录”中查看结果。";
          break;
        }
        await sleep(delay);
        delay = Math.min(delay * 1.4, 3000);
      }
    } catch (e) {
      $("upload-phase").textContent = "上传失败";
      bar.value = 0;
      $("upload-result").appendChild(el("div", { class: "msg error", role: "alert", id: "upload-error" },
        e.code === "ROUTE_MISSING" ? "批量上传功能尚未开通，请使用单条录入。" : e.message));
    } finally {
      submit.disabled = false;
    }
  }

  /* --- single-record entry ---------------------------------------------------------------- */
  function entryCategory() { return cat.byId[$("entry-category").value] || null; }
  function authorityFields(cid) { return (prefs && prefs.fields && prefs.fields[cid]) || []; }
  function draftKey() { return QY.draft.key(me && me.username, department(), $("entry-category").value); }
  function saveDraftNow() {
    clearTimeout(draftTimer);
    if (!entry || !me || $("view-entry").hidden) return;
    var values = entry.values();
    if (JSON.stringify(values) === entryPristine) QY.draft.drop(draftKey());   // nothing typed yet
    else QY.draft.save(draftKey(), values);
  }
  function saveDraftSoon() {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraftNow, 250);
  }

  /** The entry form: a kept draft first, else `keep` (录入下一条), then the department's defaults
   * fill the authority fields still empty. */
  function buildEntryForm(keep) {
    var c = entryCategory();
    var box = QY.clear($("entry-fields"));
    QY.hide("entry-result");
    QY.hide("entry-draft");
    entry = null;
    if (!c) { box.appendChild(el("p", { class: "muted" }, "本部门没有可报送的信息类别。")); $("defaults-box").hidden = true; return; }
    var values = {};
    var draft = keep ? null : QY.draft.load(draftKey());
    if (keep) values = Object.assign({}, keep);
    else if (draft) {
      values = Object.assign({}, draft.values);
      var discard = el("button", { type: "button", class: "secondary", id: "draft-discard" }, "放弃草稿，重新填写");
      discard.addEventListener("click", function () { QY.draft.drop(draftKey()); buildEntryForm(); });
      QY.show("entry-draft", "info", ["已恢复 " + QY.draft.clockText(draft.saved_at) + " 自动保存的草稿（尚未提交）。 ", discard]);
    }
    var defaults = (prefs && prefs.defaults && prefs.defaults[c.id]) || {};
    Object.keys(defaults).forEach(function (k) { if (values[k] === undefined || values[k] === null || values[k] === "") values[k] = defaults[k]; });
    var items = approvedItems && approvedItems.filter(function (it) { return it.department === department() && it.category === c.id; });
    entry = QY.recordForm(c, values, { idPrefix: "f", choices: items ? { item_code: items.map(function (it) { return [it.item_code, it.item_code + " " + it.name]; }) } : {} });
    box.appendChild(entry.node);
    entryPristine = draft ? "" : JSON.stringify(entry.values());
    QY.lookup(entry.node, c, "f");
    renderDefaults(c);
  }

  function fieldLabel(c, name) { return c.fieldsByName[name] ? c.fieldsByName[name].label : name; }

  function renderDefaults(c) {
    var names = authorityFields(c.id);
    $("defaults-box").hidden = !names.length || !canChange() && me.role !== "admin";
    if ($("defaults-box").hidden) return;
    var current = (prefs.defaults && prefs.defaults[c.id]) || {};
    var set = names.filter(function (n) { return current[n]; });
    $("defaults-text").textContent = set.length
      ? "新建记录时自动填入：" + set.map(function (n) { return fieldLabel(c, n) + "「" + current[n] + "」"; }).join("；") + "。可随时修改。"
      : "尚未设置。填好" + names.map(function (n) { return fieldLabel(c, n); }).join("、") + "后点击下方按钮，以后新建记录时自动填入。";
  }

  async function saveDefaults() {
    var c = entryCategory();
    if (!c || !entry || !prefs) return;
    var values = entry.values();
    var mine = {};
    authorityFields(c.id).forEach(function (n) { if (values[n]) mine[n] = values[n]; });
    var all = Object.assign({}, prefs.defaults || {});
    all[c.id] = mine;
    $("defaults-save").disabled = true;
    try {
      prefs = await call("/v1/preferences", { method: "PUT", body: withDept({ defaults: all }) });
      renderDefaults(c);
      QY.show("defaults-msg", "ok", "已保存为本部门默认值，本部门的操作员新建记录时自动填入。");
    } catch (e) {
      var details = (e.details || []).map(function (d) {
        var name = (d.field || "").split(".").pop();
        return fieldLabel(c, name) + "：" + (d.message || d.code);
      });
      QY.show("defaults-msg", "error", [e.message, details.length ? el("ul", null, details.map(function (t) { return el("li", null, t); })) : null]);
    } finally {
      $("defaults-save").disabled = false;
    }
  }

  async function submitEntry(ev) {
    ev.preventDefault();
    if (!entry) return;
    var next = ev.submitter && ev.submitter.id === "entry-submit-next";
    var c = entryCategory();
    var category = c.id;
    var values = entry.values();
    var buttons = [$("entry-submit"), $("entry-submit-next")];
    buttons.forEach(function (b) { b.disabled = true; });
    entry.clearErrors();
    saveDraftNow();
    QY.show("entry-result", "info", "正在提交…");
    try {
      var out = await call("/v1/records", { method: "POST", body: withDept({ category: category, channel: "form", records: [values] }) });
      if (out.rejected && out.rejected.length) {
        QY.hide("entry-result");
        entry.showErrors(out.rejected[0].errors);
        return;
      }
      var a = (out.accepted && out.accepted[0]) || (out.unchanged && out.unchanged[0]);
      QY.draft.drop(draftKey());
      buildEntryForm(next ? QY.sharedValues(c, values, authorityFields(category)) : null);
      recordsItems = [];
      var unchanged = !(out.accepted && out.accepted.length);
      QY.show("entry-result", "ok", unchanged ? [
        el("strong", null, "内容与已有记录相同，未生成新版本。 "),
        el("a", { href: "#record/" + encodeURIComponent(a.record_id), id: "entry-record-link" }, "查看记录")] : [
        el("strong", null, "提交成功。"), " 文号/编号：" + a.source_ref + "；",
        "企业关联：" + QY.matchName(a.match) + "；",
        "公示时限：" + (a.publish_deadline || "—") + (a.late ? "；已超过归集时限（迟报）" : "") + "。 ",
        el("a", { href: "#record/" + encodeURIComponent(a.record_id), id: "entry-record-link" }, "查看记录"),
        next ? "　已保留共用字段，请录入下一条。" : null]);
      if (next) {
        var first = entry.node.querySelector("#f-" + c.source_ref_field);
        if (first) first.focus();
      } else {
        $("entry-result").focus();
      }
    } catch (e) {
      if (e.details && e.details.some(function (d) { return d && d.field && d.message; })) {
        QY.hide("entry-result");
        entry.showErrors(e.details, e.message);
      } else {
        QY.show("entry-result", "error", e.message);
      }
    } finally {
      buttons.forEach(function (b) { b.disabled = false; });
    }
  }

  /* --- own records ------------------------------------------------------------------------ */
  function renderRecords() {
    var body = QY.clear(document.querySelector("#records-table tbody"));
    recordsItems.forEach(function (r) {
      body.appendChild(el("tr", null,
        el("td", null, el("a", { href: "#record/" + encodeURIComponent(r.record_id) }, r.source_ref)),
        el("td", null, r.name),
        el("td", null, categoryName(r.category)),
        el("td", null, el("span", { class: "badge " + ({ published: "ok", withdrawn: "bad", archived: "info" }[r.state] || "info") }, QY.stateName(r.state))),
        el("td", null, QY.matchName(r.match)),
        el("td", null, r.late ? el("span", { class: "badge warn" }, "迟报") : "否"),
        el("td", null, QY.fmtTime(r.received_at))));
    });
    var more = recordsCursor ? "（还有更多，可点击“加载更多”）" : "";
    if (!recordsItems.length) QY.show("records-msg", "warn", "没有符合条件的记录。");
    else QY.show("records-msg", "info", "已加载 " + recordsItems.length + " 条" + (recordsSearch ? "符合查询条件的记录" : "") + more + "。");
    $("records-more").hidden = !recordsCursor;
  }

  async function loadRecords(more) {
    if (more && !recordsCursor) return;
    var seq = ++recordsSeq;    // a newer query supersedes one still under way
    if (!more) {
      if ($("filter-from").value && $("filter-to").value && $("filter-from").value > $("filter-to").value) {
        QY.show("records-msg", "error", "起始日期不得晚于截止日期");
        $("filter-from").focus();
        return;
      }
      recordsQuery = "/v1/records?limit=50" + deptQuery();
      recordsSearch = false;
      Object.keys(RECORD_FILTERS).forEach(function (id) {
        var v = $(id).value.trim();
        if (id === "filter-code") v = v.toUpperCase();
        if (!v) return;
        recordsQuery += "&" + RECORD_FILTERS[id] + "=" + encodeURIComponent(v);
        if (id !== "filter-category" && id !== "filter-state") recordsSearch = true;
      });
      recordsCursor = null;
    }
    var q = recordsQuery + (more ? "&cursor=" + encodeURIComponent(recordsCursor) : "");
    QY.show("records-msg", "loading", "正在加载…");
    $("records-more").hidden = true;
    try {
      var page = await call(q);
      if (seq !== recordsSeq) return;
      var have = {};
      recordsItems = (more ? recordsItems : []).filter(function (r) { return (have[r.record_id] = true); })
        .concat((page.items || []).filter(function (r) { return !have[r.record_id] && (have[r.record_id] = true); }));
      recordsCursor = page.next_cursor || null;
      renderRecords();
    } catch (e) {
      if (seq === recordsSeq) QY.show("records-msg", "error", e.message);
    }
  }

  /* --- one record: detail, versions, modify, withdraw ------------------------------------- */
  function dlRows(rows) {
    var dl = el("dl", { class: "fields" });
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") return;
      dl.appendChild(el("dt", null, r[0]));
      dl.appendChild(el("dd", r[2] ? { dataset: { field: r[2] } } : null, r[1]));
    });
    return dl;
  }

  /** The fields a modification changed, each with its value before and after. */
  function changes(c, prev, cur) {
    if (!prev) return [];
    var names = {};
    Object.keys(prev).concat(Object.keys(cur)).forEach(function (k) { names[k] = true; });
    return Object.keys(names).filter(function (k) {
      return JSON.stringify(prev[k]) !== JSON.stringify(cur[k]);
    }).map(function (k) {
      var f = c && c.fieldsByName[k];
      return { label: f ? f.label : k, from: QY.fieldText(prev[k], f), to: QY.fieldText(cur[k], f) };
    });
  }

  /** GET `path` with "loading…" then any error shown in the message box `msgId`; null on error. */
  var shownSeq = {};   // msgId → the latest load of that one-item view
  /** The item at `path` for a one-item view (its message box `msgId`); null when the load failed or
   * a newer load of the same view began meanwhile (a second route() while the first awaited would
   * otherwise render the view twice: two forms with the same ids). */
  async function fetchShown(msgId, path, loading) {
    var seq = shownSeq[msgId] = (shownSeq[msgId] || 0) + 1;
    QY.show(msgId, "info", loading);
    try {
      var out = await call(path);
      if (seq !== shownSeq[msgId]) return null;
      QY.hide(msgId);
      return out;
    } catch (e) {
      if (seq === shownSeq[msgId]) QY.show(msgId, "error", e.message);
      return null;
    }
  }

  async function loadRecord(id) {
    var body = QY.clear($("record-body"));
    var rec = await fetchShown("record-msg", "/v1/records/" + encodeURIComponent(id), "正在加载记录…");
    if (!rec) return;
    var c = cat.byId[rec.category];
    $("record-title").textContent = categoryName(rec.category) + "：" + rec.source_ref;
    var stateBadge = el("span", { class: "badge " + ({ published: "ok", withdrawn: "bad" }[rec.state] || "info"), id: "record-state" }, QY.stateName(rec.state));
    body.appendChild(el("section", { class: "card", "aria-label": "记录状态" }, dlRows([
      ["状态", stateBadge],
      ["企业", rec.name],
      ["企业代码", rec.enterprise_code],
      ["企业关联", QY.matchName(rec.match)],
      ["版本", "第 " + rec.version + " 版"],
      ["决定日期", rec.decision_date],
      ["归集时限", rec.collect_deadline ? rec.collect_deadline + (rec.late ? "（迟报）" : "") + (rec.provisional ? "（暂按周一至周五计算）" : "") : null],
      ["公示时限", rec.publish_deadline],
      ["公示日期", rec.published_at ? QY.fmtTime(rec.published_at) : null],
      ["公示截止", rec.publish_until],
      ["不予公示", rec.publishable === false ? "是（如仅警告的行政处罚，只归集不公示）" : null],
      ["接收时间", QY.fmtTime(rec.received_at)],
      ["最后修改", QY.fmtTime(rec.updated_at) + "（" + rec.updated_by + "）"],
      ["撤销原因", rec.withdrawn_reason]
    ])));

    var fieldsCard = el("section", { class: "card", "aria-labelledby": "rec-fields-title" },
      el("h3", { id: "rec-fields-title" }, "记录内容"),
      dlRows((c ? c.fields : []).filter(function (f) { return f.json_name in rec.fields; }).map(function (f) {
        return [f.label, QY.fieldText(rec.fields[f.json_name], f), f.json_name];
      }).concat(rec.masked_fields && rec.masked_fields.length ? [["屏蔽字段", rec.masked_fields.map(function (k) {
        return c && c.fieldsByName[k] ? c.fieldsByName[k].label : k;
      }).join("、")]] : [])));
    body.appendChild(fieldsCard);

    var actionMsg = el("div", { class: "msg", role: "alert", id: "record-action-msg" });
    var editBox = el("div", { id: "edit-box", hidden: true });
    var withdrawBox = el("div", { id: "withdraw-box", hidden: true });
    if (rec.state !== "withdrawn" && canChange()) {
      var editBtn = el("button", { type: "button", id: "edit-button" }, "修改");
      var wdBtn = el("button", { type: "button", class: "danger", id: "withdraw-button" }, "撤销");
      body.appendChild(el("div", { class: "actions" }, editBtn, wdBtn));
      editBtn.addEventListener("click", function () { openEdit(rec, c, editBox, fieldsCard, actionMsg); });
      wdBtn.addEventListener("click", function () { openWithdraw(rec, withdrawBox, actionMsg); });
    } else if (rec.state === "withdrawn" && canChange()) {
      var reBtn = el("button", { type: "button", id: "reinstate-button" }, "恢复（撤销有误时）");
      body.appendChild(el("div", { class: "actions" }, reBtn));
      reBtn.addEventListener("click", function () { openReinstate(rec, withdrawBox, actionMsg); });
    } else if (rec.state !== "withdrawn") {
      body.appendChild(el("p", { class: "muted small" }, "修改和撤销由报送部门的操作员办理。"));
    }
    body.appendChild(actionMsg);
    body.appendChild(editBox);
    body.appendChild(withdrawBox);

    var versions = (rec.versions || []).slice().sort(function (a, b) { return b.version - a.version; });
    var byVersion = {};
    versions.forEach(function (v) { byVersion[v.version] = v; });
    body.appendChild(el("section", { "aria-labelledby": "versions-title" },
      el("h3", { id: "versions-title" }, "修改留痕（共 " + versions.length + " 个版本）"),
      el("ol", { class: "versions", id: "versions", reversed: true }, versions.map(function (v) {
        var prev = byVersion[v.version - 1];
        var changed = v.op === "modify" ? changes(c, prev && prev.fields, v.fields) : [];
        return el("li", null,
          el("strong", null, "第 " + v.version + " 版 · " + (OPS[v.op] || v.op)),
          el("span", { class: "muted small" }, "　" + QY.fmtTime(v.at) + " · " + v.by),
          v.reason ? el("div", null, "原因：" + v.reason) : null,
          changed.length ? el("div", { class: "small" }, "修改了：" + changed.map(function (x) { return x.label; }).join("、")) : null,
          changed.length ? el("div", { class: "small changes" }, changed.map(function (x) {
            return el("div", { class: "change" }, x.label + "：", el("del", null, x.from), " → ", el("ins", null, x.to));
          })) : null,
          v.upload_id ? el("div", { class: "small muted" }, "来自批量上传 " + v.upload_id) : null);
      }))));
  }

  function openEdit(rec, c, box, fieldsCard, msg) {
    QY.hide(msg);
    $("withdraw-box").hidden = true;
    var values = Object.assign({}, rec.fields);
    if (rec.masked_fields && rec.masked_fields.length) values.masked_fields = rec.masked_fields.join("、");
    var form = QY.recordForm(c, values, { idPrefix: "e" });
    var save = el("button", { type: "submit", id: "edit-save" }, "保存修改");
    var cancel = el("button", { type: "button", class: "secondary" }, "取消");
    var f = el("form", { novalidate: true, "aria-labelledby": "edit-title" },
      el("h3", { id: "edit-title" }, "修改记录（保存后生成新版本，原版本留痕）"), form.node,
      el("div", { class: "actions" }, save, cancel));
    QY.clear(box).appendChild(f);
    box.hidden = false;
    fieldsCard.hidden = true;
    cancel.addEventListener("click", function () { box.hidden = true; fieldsCard.hidden = false; });
    f.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      save.disabled = true;
      form.clearErrors();
      try {
        var out = await call("/v1/records/" + encodeURIComponent(rec.record_id), {
          method: "PUT", body: Object.assign(form.values(), { version: rec.version }) });
        await loadRecord(rec.record_id);
        QY.show("record-action-msg", "ok", "已保存为第 " + out.version + " 版。");
      } catch (e) {
        if (e.status === 409 && e.code !== "WITHDRAWN") {
          QY.show(msg, "error", [e.message + " ", el("button", { type: "button", class: "secondary", onclick: function () { loadRecord(rec.record_id); } }, "重新加载")]);
        } else if (e.details && e.details.some(function (d) { return d && d.field && d.message; })) {
          form.showErrors(e.details, e.message + "：");
        } else {
          QY.show(msg, "error", e.message);
        }
      } finally {
        save.disabled = false;
      }
    });
    form.node.querySelector("input, select, textarea").focus();
  }

  /** A reason form (withdraw, reinstate): title, hint, confirm button; posts {"reason"} to `action`. */
  function reasonForm(rec, box, msg, o) {
    QY.hide(msg);
    $("edit-box").hidden = true;
    var reason = el("textarea", { id: o.id + "-reason", rows: 3, maxlength: 500, required: true, "aria-describedby": o.id + "-hint" });
    var ok = el("button", { type: "submit", class: o.danger ? "danger" : null, id: o.id + "-confirm" }, o.confirm);
    var cancel = el("button", { type: "button", class: "secondary" }, "取消");
    var f = el("form", { novalidate: true, class: "card" },
      el("h3", null, o.title),
      el("p", { id: o.id + "-hint", class: "small muted" }, o.hint),
      el("div", { class: "field" }, el("label", { for: o.id + "-reason" }, o.label, el("span", { class: "req", "aria-hidden": "true" }, "*")), reason),
      el("div", { class: "actions" }, ok, cancel));
    QY.clear(box).appendChild(f);
    box.hidden = false;
    reason.focus();
    cancel.addEventListener("click", function () { box.hidden = true; });
    f.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      if (!reason.value.trim()) { QY.show(msg, "error", "请填写" + o.label); reason.setAttribute("aria-invalid", "true"); reason.focus(); return; }
      ok.disabled = true;
      try {
        await call("/v1/records/" + encodeURIComponent(rec.record_id) + "/" + o.action, { method: "POST", body: { reason: reason.value.trim() } });
        recordsItems = [];
        await loadRecord(rec.record_id);
        QY.show("record-action-msg", "ok", o.done);
      } catch (e) {
        QY.show(msg, "error", e.code === "ROUTE_MISSING" ? "该功能尚未开通，请稍后再试。" : e.message);
      } finally {
        ok.disabled = false;
      }
    });
  }

  function openReinstate(rec, box, msg) {
    reasonForm(rec, box, msg, { id: "reinstate", action: "reinstate", title: "恢复已撤销的记录", confirm: "确认恢复",
      label: "恢复原因", done: "记录已恢复，以新版本重新生效。",
      hint: "恢复后记录以新版本重新生效，按规定重新公示；撤销和恢复都留痕。" });
  }

  function openWithdraw(rec, box, msg) {
    reasonForm(rec, box, msg, { id: "withdraw", action: "withdraw", title: "撤销记录", confirm: "确认撤销", danger: true,
      label: "撤销原因", done: "记录已撤销。",
      hint: "撤销后记录立即从公示中移除，并通知公示系统；记录本身和全部版本仍保留。" +
        "撤销可以恢复：如系误撤，在本记录页点击“恢复”并填写原因，记录以新版本重新生效（重新公示）。" });
  }

  /** Pages of `path` (a list with next_cursor) until `want` items or `maxPages` pages: a filter on an
   * index may answer a page with fewer items, even none, and a cursor. */
  async function collect(path, cursor, want, maxPages) {
    var items = [], pages = 0;
    do {
      var page = await call(path + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
      items = items.concat(page.items || []);
      cursor = page.next_cursor || null;
      pages++;
    } while (cursor && items.length < want && pages < maxPages);
    return { items: items, next_cursor: cursor };
  }

  /* --- 回退 inbox ------------------------------------------------------------------------- */
  function rejStateBadge(state) {
    var s = REJ_STATES[state] || [state, "info"];
    return el("span", { class: "badge " + s[1] }, s[0]);
  }
  function errorsText(errors, max) {
    var list = (errors || []).map(function (e) { return e.message || e.code; });
    return list.slice(0, max || list.length).join("；") + (max && list.length > max ? "……（共 " + list.length + " 处）" : "");
  }
  function rejSource(r) {
    var where = CHANNELS[r.channel] || r.channel || "";
    if (r.channel === "upload" && r.row) where += " 第 " + r.row + " 行";
    else if (r.channel === "batch" && r.row !== null && r.row !== undefined) where += " 第 " + (r.row + 1) + " 条";
    return where;
  }
  function rejLabel(r) { return r.source_ref || "（未填文号）"; }

  function renderRejections() {
    var body = QY.clear(document.querySelector("#rejections-table tbody"));
    rejItems.forEach(function (r) {
      var act = r.state === "open"
        ? el("a", { href: "#fix/" + encodeURIComponent(r.rejection_id), class: "button", dataset: { rejection: r.rejection_id } }, "修改并重新提交")
        : el("a", { href: "#fix/" + encodeURIComponent(r.rejection_id) }, "查看");
      body.appendChild(el("tr", { dataset: { rejection: r.rejection_id } },
        el("td", { dataset: { label: "文号/编号" } }, rejLabel(r)),
        el("td", { dataset: { label: "类别" } }, categoryName(r.category)),
        el("td", { dataset: { label: "来源" } }, rejSource(r), r.upload_id ? el("div", { class: "small muted batch-id" }, "批次 " + r.upload_id) : null),
        el("td", { dataset: { label: "错误原因" } }, errorsText(r.errors, 2), el("div", { class: "small muted" }, (r.errors || []).map(function (e) { return e.code; }).join(" "))),
        el("td", { class: "num", dataset: { label: "次数" } }, r.times_seen),
        el("td", { dataset: { label: "最近提交" } }, QY.fmtTime(r.last_seen)),
        el("td", { dataset: { label: "状态" } }, rejStateBadge(r.state),
          r.record_id ? el("div", { class: "small" }, el("a", { href: "#record/" + encodeURIComponent(r.record_id) }, "已通过的记录")) : null),
        el("td", null, act)));
    });
    var more = rejCursor ? "（还有更多，可点击“加载更多”）" : "";
    $("rejections-table").parentNode.hidden = !rejItems.length;
    if (!rejItems.length) QY.show("rejections-msg", "empty", $("rej-state").value === "open" ? "没有待处理的回退数据。" : "没有符合条件的回退数据。");
    else QY.show("rejections-msg", "info", "已加载 " + rejItems.length + " 条" + more + "。");
    $("rejections-more").hidden = !rejCursor;
  }

  async function loadRejections(more) {
    if (more && !rejCursor) return;
    var seq = ++rejSeq;
    if (!more) {
      rejQuery = "/v1/rejections?limit=50" + deptQuery() + "&state=" + encodeURIComponent($("rej-state").value);
      if ($("rej-category").value) rejQuery += "&category=" + encodeURIComponent($("rej-category").value);
      if ($("rej-code").value.trim()) rejQuery += "&code=" + encodeURIComponent($("rej-code").value.trim().toUpperCase());
      if ($("rej-upload").value.trim()) rejQuery += "&upload_id=" + encodeURIComponent($("rej-upload").value.trim());
      rejCursor = null;
    }
    QY.show("rejections-msg", "loading", "正在加载…");
    $("rejections-more").hidden = true;
    try {
      var page = await collect(rejQuery, more ? rejCursor : null, 20, 10);
      if (seq !== rejSeq) return;
      rejItems = (more ? rejItems : []).concat(page.items || []);
      rejCursor = page.next_cursor || null;
      renderRejections();
    } catch (e) {
      if (seq !== rejSeq) return;
      QY.show("rejections-msg", "error", e.code === "ROUTE_MISSING" ? "回退待办功能尚未开通，请稍后再试。" : e.message);
    }
  }

  /* --- one rejection: the entry form pre-filled, errors inline, resubmit or dismiss --------- */
  async function loadFix(id) {
    var body = QY.clear($("fix-body"));
    var rej = await fetchShown("fix-msg", "/v1/rejections/" + encodeURIComponent(id), "正在加载回退数据…");
    if (!rej) return;
    var c = cat.byId[rej.category];
    $("fix-title").textContent = "修改回退数据：" + categoryName(rej.category) + " " + rejLabel(rej);
    body.appendChild(el("section", { class: "card", "aria-label": "回退情况" }, dlRows([
      ["状态", el("span", { id: "fix-state" }, rejStateBadge(rej.state))],
      ["来源", rejSource(rej) + (rej.upload_id ? "（批次 " + rej.upload_id + "）" : "")],
      ["提交次数", rej.times_seen + " 次（相同内容只计一次回退）"],
      ["首次回退", QY.fmtTime(rej.first_seen)],
      ["最近回退", QY.fmtTime(rej.last_seen)],
      ["错误原因", errorsText(rej.errors)],
      ["已通过的记录", rej.record_id ? el("a", { href: "#record/" + encodeURIComponent(rej.record_id), id: "fix-record-link" }, "查看记录") : null],
      ["忽略原因", rej.dismissed_reason]
    ])));
    if (rej.state !== "open" || !c) {
      if (rej.content && c) {
        var vals = QY.formValues(c, rej.content);
        body.appendChild(el("section", { class: "card", "aria-label": "提交的内容" }, el("h3", null, "当时提交的内容"),
          dlRows(c.fields.filter(function (f) { return f.json_name in vals; }).map(function (f) { return [f.label, QY.fieldText(vals[f.json_name], f)]; }))));
      }
      return;
    }
    if (!canChange() && me.role !== "admin") return;
    if (rej.content === null || rej.content === undefined) {
      body.appendChild(el("p", { class: "msg warn" }, "这条数据含涉密信息，平台未保留其内容：请在“单条录入”中重新填写后提交。"));
    }
    var form = QY.recordForm(c, QY.formValues(c, rej.content || {}), { idPrefix: "r" });
    var resubmit = el("button", { type: "submit", id: "fix-submit" }, "重新提交");
    var f = el("form", { novalidate: true, "aria-labelledby": "fix-form-title" },
      el("h3", { id: "fix-form-title" }, "改正后重新提交（错误已标在对应字段旁）"), form.node,
      el("div", { class: "actions" }, resubmit));
    body.appendChild(f);
    QY.lookup(form.node, c, "r");
    form.showErrors(rej.errors, "这条数据被回退，共 " + (rej.errors || []).length + " 处需要修改：");
    f.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      resubmit.disabled = true;
      form.clearErrors();
      QY.show("fix-msg", "info", "正在提交…");
      try {
        var out = await call("/v1/records", { method: "POST", body: withDept({ category: rej.category, channel: "form", records: [form.values()] }) });
        if (out.rejected && out.rejected.length) {
          QY.hide("fix-msg");
          form.showErrors(out.rejected[0].errors, "仍未通过校验，共 " + out.rejected[0].errors.length + " 处需要修改：");
          return;
        }
        var a = (out.accepted && out.accepted[0]) || (out.unchanged && out.unchanged[0]);
        recordsItems = [];
        await loadFix(id);
        var after = $("fix-state") ? $("fix-state").textContent : "";
        QY.show("fix-msg", "ok", [el("strong", null, "已重新提交并通过校验。"),
          after === "已处理" ? " 这条回退已自动处理。 " : " 文号已改变，原回退未自动关闭，如无需再处理可在回退待办中忽略。 ",
          el("a", { href: "#record/" + encodeURIComponent(a.record_id), id: "fix-accepted-link" }, "查看记录"), "　",
          el("a", { href: "#rejections" }, "返回回退待办")]);
        $("fix-msg").focus();
      } catch (e) {
        QY.show("fix-msg", "error", e.message);
      } finally {
        resubmit.disabled = false;
      }
    });
    body.appendChild(dismissForm(rej));
  }

  function dismissForm(rej) {
    var reason = el("textarea", { id: "dismiss-reason", rows: 2, maxlength: 500, "aria-describedby": "dismiss-hint" });
    var btn = el("button", { type: "submit", class: "secondary", id: "dismiss-confirm" }, "忽略此回退");
    var msg = el("div", { class: "msg", role: "alert", id: "dismiss-msg" });
    var f = el("form", { novalidate: true, class: "card", "aria-labelledby": "dismiss-title" },
      el("h3", { id: "dismiss-title" }, "无需再报送？"),
      el("p", { id: "dismiss-hint", class: "small muted" }, "例如已通过其他方式报送、数据本身有误已作废。忽略后不再列入待处理，记录保留 180 天。"),
      el("div", { class: "field" }, el("label", { for: "dismiss-reason" }, "忽略原因", el("span", { class: "req", "aria-hidden": "true" }, "*")), reason),
      msg, el("div", { class: "actions" }, btn));
    f.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      if (!reason.value.trim()) { QY.show(msg, "error", "请填写忽略原因"); reason.setAttribute("aria-invalid", "true"); reason.focus(); return; }
      btn.disabled = true;
      try {
        await call("/v1/rejections/" + encodeURIComponent(rej.rejection_id) + "/dismiss", { method: "POST", body: { reason: reason.value.trim() } });
        await loadFix(rej.rejection_id);
        QY.show("fix-msg", "ok", ["已忽略这条回退。 ", el("a", { href: "#rejections" }, "返回回退待办")]);
      } catch (e) {
        QY.show(msg, "error", e.message);
      } finally {
        btn.disabled = false;
      }
    });
    return f;
  }

  /* --- upload history ---------------------------------------------------------------------- */
  var UPLOAD_STATES = { waiting: ["等待处理", "info"], processing: ["处理中", "info"], done: ["已完成", "ok"], failed: ["处理失败", "bad"] };

  async function feedbackLink(u) {
    if (u.feedback_url) return u.feedback_url;
    return (await call("/v1/uploads/" + encodeURIComponent(u.upload_id))).feedback_url;
  }

  function uploadCard(u, open) {
    var st = UPLOAD_STATES[u.state] || [u.state, "info"];
    var card = el("article", { class: "card upload-item", dataset: { upload: u.upload_id }, "aria-labelledby": "up-" + u.upload_id },
      el("h3", { id: "up-" + u.upload_id }, u.filename || u.upload_id, " ", el("span", { class: "badge " + st[1] }, st[0])),
      el("p", { class: "small muted" }, categoryName(u.category) + " · 上传于 " + QY.fmtTime(u.created_at) + " · 批次 " + u.upload_id));
    if (u.state === "done" || u.rows_done) {
      card.appendChild(el("div", { class: "stat-grid upload-counts" },
        stat(u.rows_total != null ? u.rows_total : u.rows_done, "数据行"),
        stat(u.accepted || 0, "通过", "ok"),
        stat(u.unchanged || 0, "未变化（与已有记录相同）"),
        stat(u.rejected || 0, "回退", u.rejected ? "bad" : "")));
    }
    if (u.state === "failed" && u.error) {
      card.appendChild(el("p", { class: "msg error" }, "文件未被接收：" + (u.error.message || u.error.code)));
    }
    if (u.rejected) {
      var dl = el("button", { type: "button", class: "secondary feedback-download" }, "下载回退文件（含错误原因）");
      dl.addEventListener("click", async function () {
        try { window.location.href = await feedbackLink(u); } catch (e) { QY.show("uploads-msg", "error", e.message); }
      });
      var list = el("div", { class: "upload-errors" });
      var details = el("details", { open: open || null }, el("summary", null, "前几条错误"), list);
      var loaded = false;
      var fill = async function () {
        if (loaded) return;
        loaded = true;
        QY.show(list, "loading", "正在加载…");
        try {
          var page = await collect("/v1/rejections?limit=50&upload_id=" + encodeURIComponent(u.upload_id) + deptQuery(), null, 5, 10);
          var items = page.items.slice(0, 5);
          QY.clear(list).className = "upload-errors";
          if (!items.length) { list.appendChild(el("p", { class: "muted" }, "这批的回退均已处理。")); return; }
          list.appendChild(el("ul", null, items.map(function (r) {
            return el("li", null, (r.row ? "第 " + r.row + " 行" : "") + (r.source_ref ? "（" + r.source_ref + "）" : "") + "：" + errorsText(r.errors, 3) + " ",
              r.state === "open" ? el("a", { href: "#fix/" + encodeURIComponent(r.rejection_id),
                "aria-label": "修改" + (r.row ? "第 " + r.row + " 行" : "这一行") }, "修改") : rejStateBadge(r.state));
          })));
        } catch (e) {
          loaded = false;
          QY.show(list, "error", e.message);
        }
      };
      details.addEventListener("toggle", function () { if (details.open) fill(); });
      card.appendChild(details);
      card.appendChild(el("div", { class: "actions" }, dl,
        el("a", { href: "#rejections/upload=" + encodeURIComponent(u.upload_id), class: "button secondary" }, "在回退待办中处理这一批")));
      if (open) fill();
    }
    return card;
  }

  async function loadUploads(more) {
    if (more && !upCursor) return;
    var seq = ++upSeq;
    var list = $("uploads-list");
    if (!more) { QY.clear(list); upCursor = null; }
    QY.show("uploads-msg", "loading", "正在加载…");
    $("uploads-more").hidden = true;
    try {
      var page = await call("/v1/uploads?limit=20" + deptQuery() + (more ? "&cursor=" + encodeURIComponent(upCursor) : ""));
      if (seq !== upSeq) return;
      var items = page.items || [];
      var firstWithErrors = more ? null : items.find(function (u) { return u.rejected; });
      items.forEach(function (u) { list.appendChild(uploadCard(u, u === firstWithErrors)); });
      upCursor = page.next_cursor || null;
      if (!list.children.length) QY.show("uploads-msg", "empty", "还没有上传过表格。");
      else QY.hide("uploads-msg");
      $("uploads-more").hidden = !upCursor;
    } catch (e) {
      if (seq === upSeq) QY.show("uploads-msg", "error", e.code === "ROUTE_MISSING" ? "上传记录功能尚未开通，请稍后再试。" : e.message);
    }
  }

  /* --- wiring ----------------------------------------------------------------------------- */
  function start() {
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", logout);
    $("upload-form").addEventListener("submit", upload);
    $("entry-category").addEventListener("change", function () {
      QY.draft.lastCategory(me.username, department(), $("entry-category").value);
      buildEntryForm();
    });
    $("entry-form").addEventListener("submit", submitEntry);
    $("entry-form").addEventListener("reset", function (ev) { ev.preventDefault(); QY.draft.drop(draftKey()); buildEntryForm(); });
    $("records-filter").addEventListener("submit", function (ev) { ev.preventDefault(); loadRecords(false); });
    $("records-more").addEventListener("click", function () { loadRecords(true); });
    $("rejections-filter").addEventListener("submit", function (ev) { ev.preventDefault(); loadRejections(false); });
    $("rejections-more").addEventListener("click", function () { loadRejections(true); });
    $("uploads-more").addEventListener("click", function () { loadUploads(true); });
    $("entry-form").addEventListener("input", saveDraftSoon);
    $("entry-form").addEventListener("change", saveDraftSoon);
    $("defaults-save").addEventListener("click", saveDefaults);
    window.addEventListener("pagehide", saveDraftNow);
    $("acting-dept").addEventListener("change", function () {
      sessionStorage.setItem(DEPT_KEY, $("acting-dept").value);
      recordsItems = [];
      rejItems = [];
      enter();
    });
    window.addEventListener("hashchange", route);
    if (QY.getToken() && QY.claims()) enter();
    else showLogin();
  }
  document.addEventListener("DOMContentLoaded", start);
})();
