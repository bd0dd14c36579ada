/* Entry-form helpers of the 部门门户 (#23): a draft kept in the browser, the registry look-up, the
 * fields kept by "提交并录入下一条", and the submitted content of a 回退 turned back into form values.
 * QY.draft.save(key, values) / load(key) / drop(key): localStorage, so a draft survives a reload,
 *   an expired login (401) and re-login; keyed by user, department and category; dropAll(user)
 *   when the user logs out on purpose.
 * QY.lookup(formNode, category, idPrefix): fills the enterprise name from its code (the registry as
 *   信息共享 reads it, GET /v1/shared/enterprises/{code}: a registration is there at once), and the
 *   code from an exact name (the public enterprise search, GET /v1/public/enterprises?q=).
 * QY.sharedValues(category, values, authorityFields): what "录入下一条" keeps.
 * QY.formValues(category, content): a submitted row (keys: json names, 国家标准代码 or 中文表头) →
 *   values by json name. */
(function () {
  "use strict";
  var el = QY.el;
  var PREFIX = "qygs.draft.";

  function draftKey(user, dept, category) { return PREFIX + [user || "-", dept || "-", category || "-"].join("|"); }

  function save(key, values) {
    try {
      var empty = !Object.keys(values || {}).some(function (k) { return values[k] !== null && values[k] !== ""; });
      if (empty) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify({ values: values, saved_at: new Date().toISOString() }));
    } catch (e) { /* storage full or disabled: the form still works without a draft */ }
  }
  function load(key) {
    try {
      var d = JSON.parse(localStorage.getItem(key) || "null");
      return d && d.values ? d : null;
    } catch (e) { return null; }
  }
  function drop(key) {
    try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  /** Every draft of a user (退出登录 on purpose: nothing typed stays on a shared computer). */
  function dropAll(user) {
    try {
      var mine = PREFIX + (user || "-") + "|";
      Object.keys(localStorage).filter(function (k) { return k.indexOf(mine) === 0; })
        .forEach(function (k) { localStorage.removeItem(k); });
    } catch (e) { /* nothing kept */ }
  }

  /** The category last chosen in the entry form (get, or set with a third argument): a reload
   * opens the form, and its draft, where the operator left it. */
  function lastCategory(user, dept, category) {
    var key = PREFIX + "category|" + (user || "-") + "|" + (dept || "-");
    try {
      if (category === undefined) return localStorage.getItem(key);
      localStorage.setItem(key, category);
    } catch (e) { /* no storage: the first category */ }
    return category || null;
  }

  /** "HH:MM" of an ISO time, in the browser's (Asia/Shanghai) clock. */
  function clockText(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  /** The registry look-up, wired to the category's code and name fields of a built form. */
  function lookup(formNode, category, idPrefix) {
    var P = idPrefix || "f";
    var codeInput = formNode.querySelector("#" + P + "-" + category.uscc_field);
    var nameInput = formNode.querySelector("#" + P + "-" + category.name_field);
    var regnoInput = category.regno_field ? formNode.querySelector("#" + P + "-" + category.regno_field) : null;
    if (!codeInput || !nameInput) return;
    var note = el("div", { class: "msg", id: P + "-lookup", role: "status", "aria-live": "polite" });
    codeInput.parentNode.appendChild(note);
    var seq = 0;

    async function search(q) {
      var out = await QY.api("/v1/public/enterprises?q=" + encodeURIComponent(q), { auth: false });
      return out.items || [];
    }
    async function registered(code) {
      try {
        var ent = (await QY.api("/v1/shared/enterprises/" + encodeURIComponent(code))).enterprise || {};
        return ent.name ? ent : null;
      } catch (e) {
        if (e.status === 404 && e.code !== "ROUTE_MISSING") return null;
        throw e;
      }
    }

    codeInput.addEventListener("change", async function () {
      var code = codeInput.value.trim().toUpperCase();
      if (code.length !== 18) { QY.hide(note); return; }
      var mine = ++seq;
      QY.show(note, "loading", "正在按统一社会信用代码查询登记信息…");
      try {
        var hit = await registered(code);
        if (mine !== seq) return;
        if (!hit) { QY.show(note, "warn", "本市登记信息中没有该代码（外地登记或尚未登记的企业可照常提交，登记后自动关联）。"); return; }
        if (!nameInput.value.trim()) {
          nameInput.value = hit.name;
          nameInput.dispatchEvent(new Event("input", { bubbles: true }));
          QY.show(note, "ok", "已按登记信息填入企业名称：" + hit.name);
        } else if (nameInput.value.trim() !== hit.name) {
          var use = el("button", { type: "button", class: "secondary", id: P + "-use-name" }, "改用登记名称");
          use.addEventListener("click", function () {
            nameInput.value = hit.name;
            nameInput.dispatchEvent(new Event("input", { bubbles: true }));
            QY.show(note, "ok", "已改为登记名称：" + hit.name);
          });
          QY.show(note, "warn", ["该代码的登记名称为「" + hit.name + "」，与填写的名称不同（名称不符将被回退）。 ", use]);
        } else {
          QY.show(note, "ok", "名称与登记信息一致。");
        }
        if (regnoInput && !regnoInput.value.trim() && hit.regno) {
          regnoInput.value = hit.regno;
          regnoInput.dispatchEvent(new Event("input", { bubbles: true }));
        }
      } catch (e) {
        if (mine === seq) QY.show(note, "warn", "暂时无法查询登记信息：" + e.message);
      }
    });

    nameInput.addEventListener("change", async function () {
      var name = nameInput.value.trim();
      if (name.length < 2 || codeInput.value.trim()) return;
      var mine = ++seq;
      try {
        var exact = (await search(name)).filter(function (e) { return e.name === name; });
        if (mine !== seq || codeInput.value.trim()) return;
        if (exact.length === 1 && exact[0].uscc) {
          codeInput.value = exact[0].uscc;
          codeInput.dispatchEvent(new Event("input", { bubbles: true }));
          if (regnoInput && !regnoInput.value.trim() && exact[0].regno) {
            regnoInput.value = exact[0].regno;
            regnoInput.dispatchEvent(new Event("input", { bubbles: true }));
          }
          QY.show(note, "ok", "已按登记名称填入统一社会信用代码：" + exact[0].uscc);
        } else if (exact.length > 1) {
          QY.show(note, "warn", "登记信息中有 " + exact.length + " 家同名企业，请填写统一社会信用代码。");
        }
      } catch (e) { /* the name stays as typed */ }
    });
  }

  /** What "提交并录入下一条" keeps: the authority fields, the decision date, the party type and
   * the 公示控制 fields; the enterprise and the document's own content are cleared. */
  function sharedValues(category, values, authorityFields) {
    var keep = {};
    (authorityFields || []).forEach(function (n) { keep[n] = true; });
    [category.decision_date_field, category.party_type_field, "disclosure", "procedure"].forEach(function (n) { if (n) keep[n] = true; });
    var out = {};
    Object.keys(values || {}).forEach(function (k) { if (keep[k]) out[k] = values[k]; });
    return out;
  }

  /** A submitted row → form values by json name (the API takes 国家标准代码 or 中文表头 as keys too). */
  function formValues(category, content) {
    var byKey = {};
    category.fields.forEach(function (f) {
      [f.json_name, f.label, f.code].concat(f.aliases || []).forEach(function (k) { if (k) byKey[String(k).trim()] = f.json_name; });
    });
    var out = {};
    Object.keys(content || {}).forEach(function (k) {
      var name = byKey[String(k).trim()];
      var v = content[k];
      if (name && v !== null && v !== undefined && v !== "") out[name] = v;
    });
    return out;
  }

  QY.draft = { key: draftKey, save: save, load: load, drop: drop, clockText: clockText, lastCategory: lastCategory, dropAll: dropAll };
  QY.lookup = lookup;
  QY.sharedValues = sharedValues;
  QY.formValues = formValues;
})();
