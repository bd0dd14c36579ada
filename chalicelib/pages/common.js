/* 涉企信息统一归集公示平台 — shared helpers for every page (plain JS, no build step).
 * window.QY: fetch wrapper for the JSON API on the same origin, the login token in
 * sessionStorage, the catalog (field labels), small DOM helpers. */
(function () {
  "use strict";
  var TOKEN_KEY = "qygs.token";
  var XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  var catalogPromise = null;

  /** An API error: status, code, message (Chinese, shown to the user), details. */
  function ApiError(status, code, message, details) {
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.message = message;
    this.details = details || [];
  }
  ApiError.prototype = Object.create(Error.prototype);

  var STATUS_TEXT = {
    400: "请求有误", 401: "未登录或登录已失效，请重新登录", 403: "无权访问该功能",
    404: "未找到", 409: "数据已被修改，请刷新后重试", 413: "提交的数据过大",
    415: "不支持的数据格式", 429: "尝试次数过多，请稍后再试", 500: "服务器内部错误，请稍后再试",
    502: "服务暂时不可用，请稍后再试", 503: "服务暂时不可用，请稍后再试", 504: "服务响应超时，请稍后再试"
  };

  /** Turns a failed response into an ApiError. Every answer of the platform itself carries
   * {"error": {...}}; a route that does not exist (yet) answers 404, or — API Gateway and
   * `chalice local` — 403 with a bare {"message": "Missing Authentication Token" | …}: those
   * become code ROUTE_MISSING. */
  function errorOf(status, data) {
    if (data && data.error && typeof data.error === "object") {
      var e = data.error;
      return new ApiError(status, e.code || "ERROR", e.message || STATUS_TEXT[status] || ("请求失败（HTTP " + status + "）"), e.details);
    }
    if (status === 404 || status === 403) {
      return new ApiError(status, "ROUTE_MISSING", "该功能尚未开通（接口不存在）", []);
    }
    return new ApiError(status, "HTTP_" + status, STATUS_TEXT[status] || ("请求失败（HTTP " + status + "）"), []);
  }

  function getToken() {
    try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }
  function setToken(t) {
    try { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* private mode */ }
  }

  /** The token's claims, for display and menus only (the server verifies every request). */
  function claims() {
    var t = getToken();
    if (!t) return null;
    try {
      var part = t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      while (part.length % 4) part += "=";
      var json = decodeURIComponent(Array.prototype.map.call(atob(part), function (c) {
        return "%" + ("00" + c.charCodeAt(0).toString(16)).slice(-2);
      }).join(""));
      var c = JSON.parse(json);
      if (c.exp && c.exp * 1000 < Date.now()) { setToken(null); return null; }
      var groups = c["cognito:groups"] || [];
      return {
        username: c["cognito:username"] || c.username || "",
        department: c["custom:department"] || null,
        role: groups[0] || "",
        exp: c.exp
      };
    } catch (e) {
      return null;
    }
  }

  /** fetch() against the API. opts: method, body (JSON), auth (send the token), raw (return the
   * Response when it is ok), accept (Accept header; a binary answer needs its own type or a wildcard). */
  async function api(path, opts) {
    opts = opts || {};
    var headers = { "Accept": opts.accept || "application/json" };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.auth !== false && getToken()) headers["Authorization"] = "Bearer " + getToken();
    var resp;
    try {
      resp = await fetch(path, {
        method: opts.method || "GET", headers: headers,
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        credentials: "same-origin", cache: "no-store"
      });
    } catch (e) {
      throw new ApiError(0, "NETWORK", "网络连接失败，请检查网络后重试", []);
    }
    if (opts.raw && resp.ok) return resp;
    var data = null;
    var ctype = resp.headers.get("Content-Type") || "";
    if (ctype.indexOf("json") >= 0) {
      try { data = await resp.json(); } catch (e) { data = null; }
    }
    if (!resp.ok) {
      var err = errorOf(resp.status, data);
      if (resp.status === 401 && typeof opts.onUnauthenticated === "function") opts.onUnauthenticated(err);
      throw err;
    }
    return data;
  }

  /** The public catalog (departments, categories with fields), fetched once per page. */
  function catalog() {
    if (!catalogPromise) {
      catalogPromise = api("/v1/catalog", { auth: false }).then(function (c) {
        c.byId = {};
        (c.categories || []).forEach(function (cat) {
          cat.fieldsByName = {};
          cat.fields.forEach(function (f) { cat.fieldsByName[f.json_name] = f; });
          c.byId[cat.id] = cat;
        });
        c.departmentsById = {};
        (c.departments || []).forEach(function (d) { c.departmentsById[d.id] = d; });
        return c;
      }).catch(function (e) { catalogPromise = null; throw e; });
    }
    return catalogPromise;
  }

  /** A logged-in page with the shared login form (_login.html: #login-view, #login-form, #who), then
   * `ready(me)`; a 401 later
   * calls `loggedOut()` to show the form again. */
  function loginShell(ready) {
    function loggedOut(message) {
      setToken(null);
      document.getElementById("app").hidden = true;
      document.getElementById("who").hidden = true;
      document.getElementById("login-view").hidden = false;
      if (message) show("login-msg", "error", message);
      document.getElementById("username").focus();
    }
    function enter() {
      var me = claims();
      if (!me) { loggedOut(); return; }
      document.getElementById("login-view").hidden = true;
      document.getElementById("app").hidden = false;
      document.getElementById("who").hidden = false;
      var who = document.getElementById("who-text");
      who.textContent = me.username + " · " + roleName(me.role);
      if (me.department) catalog().then(function (cat) {   // the department's name, as the portal shows it
        var d = cat.departmentsById[me.department];
        who.textContent = me.username + " · " + (d ? d.name : me.department) + " · " + roleName(me.role);
      }, function () { who.textContent += " · " + me.department; });
      ready(me);
    }
    document.getElementById("login-form").addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var username = document.getElementById("username").value.trim(), password = document.getElementById("password").value;
      if (!username || !password) { show("login-msg", "error", "请输入用户名和密码"); return; }
      try {
        var out = await api("/v1/auth/token", { method: "POST", auth: false, body: { username: username, password: password } });
        setToken(out.access_token);
        document.getElementById("password").value = "";
        hide("login-msg");
        enter();
      } catch (err) {
        show("login-msg", "error", err.message);
      }
    });
    document.getElementById("logout").addEventListener("click", function () { loggedOut(); show("login-msg", "info", "已退出登录。"); });
    enter();
    return loggedOut;
  }

  /** The registry authority (市工商局) of the catalog: the department that reviews 目录事项. */
  function registryDepartment(cat) {
    return cat.departments.find(function (d) { return d.is_registry && d.level === "市级"; }) || cat.departments[0];
  }

  /** Whether `me` reviews 目录事项 — the server's rule (CatalogItemService.is_reviewer): an admin,
   * or an operator of the registry authority (its system accounts only push data). */
  function isReviewer(me, cat) {
    return me.role === "admin" || (me.role === "operator" && me.department === registryDepartment(cat).id);
  }

  /** Every item of a listed route: follows next_cursor (…&cursor=) to the last page. */
  async function all(path, opts) {
    var out = [], cursor = null;
    do {
      var page = await api(path + (cursor ? (path.indexOf("?") >= 0 ? "&" : "?") + "cursor=" + encodeURIComponent(cursor) : ""), opts);
      out = out.concat(page.items || []);
      cursor = page.next_cursor || null;
    } while (cursor);
    return out;
  }

  /** One card per category (#categories) with a table of contents (#toc): its heading, then the
   * nodes body(cat) gives; the address's #cat-<id> scrolled to once they are there. */
  function categorySections(categories, body) {
    var toc = document.getElementById("toc"), box = document.getElementById("categories");
    categories.forEach(function (cat) {
      toc.appendChild(el("li", null, el("a", { href: "#cat-" + cat.id }, cat.name)));
      box.appendChild(el("section", { class: "card", id: "cat-" + cat.id, "aria-labelledby": "cat-title-" + cat.id },
        el("h3", { id: "cat-title-" + cat.id }, cat.name, " ", el("code", { class: "small muted" }, cat.id)), body(cat)));
    });
    hide("status");
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target) target.scrollIntoView();
  }

  /** el("a", {href: "/", class: "x"}, "text", child…): builds DOM without innerHTML. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = v;
        else if (k.slice(0, 2) === "on" && typeof v === "function") node.addEventListener(k.slice(2), v);
        else if (k === "dataset") Object.keys(v).forEach(function (d) { node.dataset[d] = v[d]; });
        else if (v === true) node.setAttribute(k, "");
        else node.setAttribute(k, String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  /** Shows a message in a live region: kind = error | ok | info | warn; text or nodes. */
  function show(target, kind, content) {
    var node = typeof target === "string" ? document.getElementById(target) : target;
    if (!node) return;
    clear(node);
    node.className = "msg " + (kind || "info");
    if (content !== undefined && content !== null && content !== "") append(node, content);
  }
  function hide(target) {
    var node = typeof target === "string" ? document.getElementById(target) : target;
    if (node) { clear(node); node.className = "msg"; }
  }

  /** Value of a record field as text (lists joined with 、, long-term date shown as 长期). */
  function fieldText(value, field) {
    if (value === null || value === undefined || value === "") return "—";
    if (Array.isArray(value)) return value.join("、");
    if (field && field.type === "date" && /^2099-12-31/.test(String(value))) return String(value) + "（长期）";
    return String(value);
  }

  var STATE_NAMES = { received: "已接收", accepted: "已归集", published: "已公示", archived: "已归档", withdrawn: "已撤销", rejected: "已回退", repaired: "已信用修复" };
  var MATCH_NAMES = { local: "本地登记", elsewhere: "外地登记", pending: "待关联" };
  var ROLE_NAMES = { operator: "部门操作员", system: "部门系统", admin: "管理员", supervisor: "督查" };

  var TYPE_NAMES = {
    text: "文本", date: "日期", enum: "单选", multi_enum: "多选（以“、”分隔）", decimal: "数值",
    uscc: "统一社会信用代码", regno: "工商注册号", code: "代码/编号"
  };
  function typeName(t) { return TYPE_NAMES[t] || t || "—"; }

  function stateName(s) { return STATE_NAMES[s] || s || "—"; }
  function matchName(m) { return MATCH_NAMES[m] || m || "—"; }
  function roleName(r) { return ROLE_NAMES[r] || r || ""; }

  /** ISO timestamp → "YYYY-MM-DD HH:MM" as written (already Asia/Shanghai). */
  function fmtTime(iso) {
    if (!iso) return "—";
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
    return m ? m[1] + " " + m[2] : iso;
  }

  /** Today in Asia/Shanghai as YYYY-MM-DD. */
  function today() {
    var d = new Date(Date.now() + 8 * 3600 * 1000);
    return d.toISOString().slice(0, 10);
  }

  function param(name) {
    return new URLSearchParams(window.location.search).get(name);
  }

  /** Downloads a response body as a file (for routes that need the Authorization header). */
  async function download(path, fallbackName) {
    var resp = await api(path, { raw: true, accept: XLSX + ", */*" });
    var blob = await resp.blob();
    var name = fallbackName;
    var cd = resp.headers.get("Content-Disposition") || "";
    // The server's own (Chinese) name: RFC 5987 filename* first, the ASCII filename only without it.
    var m = /filename\*=UTF-8''([^;]+)/i.exec(cd) || /filename="?([^";]+)"?/i.exec(cd);
    if (m) name = decodeURIComponent(m[1]);
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    return name;
  }

  /** Marks the current page's nav link. */
  function markNav() {
    var here = window.location.pathname.split("/").pop() || "index.html";
    document.querySelectorAll(".site-nav a").forEach(function (a) {
      var target = a.getAttribute("href").split("/").pop().split("?")[0] || "index.html";
      if (target === here || (here === "" && target === "index.html")) a.setAttribute("aria-current", "page");
    });
  }

  /** The shared header's who-box on pages without their own login (public pages): shown only
   * to someone logged in, with a working 退出登录; anonymous visitors never see it. */
  function shell() {
    var who = document.getElementById("who");
    if (!who || document.getElementById("login-view")) return;
    var me = claims();
    who.hidden = !me;
    if (!me) return;
    document.getElementById("who-text").textContent = me.username + " · " + roleName(me.role);
    document.getElementById("logout").addEventListener("click", function () {
      setToken(null);
      who.hidden = true;
    });
  }

  window.QY = {
    ApiError: ApiError, api: api, all: all, catalog: catalog, categorySections: categorySections, typeName: typeName, getToken: getToken, setToken: setToken, claims: claims,
    el: el, clear: clear, show: show, hide: hide, fieldText: fieldText, stateName: stateName,
    matchName: matchName, roleName: roleName, fmtTime: fmtTime, today: today, param: param,
    download: download, markNav: markNav, registryDepartment: registryDepartment, isReviewer: isReviewer,
    loginShell: loginShell
  };
  document.addEventListener("DOMContentLoaded", function () { markNav(); shell(); });
})();
