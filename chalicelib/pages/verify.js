/* 核验企业信用报告: a pasted, uploaded or scanned (#a=… from the report's QR code) attestation is
 * sent to POST /v1/public/attestations/verify; the answer says 有效/无效, what was signed and what
 * is true today. */
(function () {
  "use strict";
  var el = QY.el;
  var CATEGORY_NAMES = {
    admin_penalty: "行政处罚", abnormal_list: "经营异常名录", serious_violation: "严重违法失信名单"
  };

  /** Text copied out of a PDF may carry line breaks where the page wrapped it. */
  function unwrap(text) { return String(text || "").replace(/[\r\n]+/g, ""); }

  function parseJson(text) {
    try { return JSON.parse(text); } catch (e) { /* try without line breaks */ }
    try { return JSON.parse(unwrap(text)); } catch (e) { return undefined; }
  }

  /** What to send: the whole attested check, {attestation}, or {payload, signature}; null if nothing usable. */
  function bodyFromForm() {
    var text = document.getElementById("att-json").value.trim();
    if (text) {
      var body = parseJson(text);
      return body && typeof body === "object" && !Array.isArray(body) ? body : null;
    }
    var payload = unwrap(document.getElementById("att-payload").value).trim();
    var signature = document.getElementById("att-signature").value.replace(/\s+/g, "");
    if (payload && signature) return { payload: payload, signature: signature };
    return null;
  }

  /** The #a=… fragment of the report's QR code: base64url of {"payload", "signature"}. */
  function fromFragment() {
    var m = /^#a=([A-Za-z0-9_-]+)$/.exec(window.location.hash);
    if (!m) return null;
    try {
      var b64 = m[1].replace(/-/g, "+").replace(/_/g, "/");
      while (b64.length % 4) b64 += "=";
      var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
      return JSON.parse(new TextDecoder("utf-8").decode(bytes));
    } catch (e) {
      return null;
    }
  }

  function checkRows(c) {
    var rows = [["企业名称", c.name], ["统一社会信用代码", c.code],
      ["联合惩戒", c.restricted ? "受限：联合惩戒对象" : "未发现联合惩戒信息"]];
    (c.reasons || []).forEach(function (r) {
      rows.push(["事由", (r.reason || "") + "（" + (CATEGORY_NAMES[r.category] || r.category || "") + "）自 " +
        (r.since || "—") + (r.until ? " 至 " + r.until : " 起，尚未移出")]);
    });
    rows.push(["核查时间", QY.fmtTime(c.checked_at)]);
    var out = [];
    rows.forEach(function (r) { out.push(el("dt", null, r[0]), el("dd", null, r[1] === undefined || r[1] === null ? "—" : String(r[1]))); });
    return out;
  }

  function same(a, b) {
    return !!a && !!b && a.restricted === b.restricted && JSON.stringify(a.reasons || []) === JSON.stringify(b.reasons || []);
  }

  function showResult(res) {
    var ok = res.valid === true;
    var verdict = document.getElementById("verdict");
    verdict.className = "badge " + (ok ? "ok" : "bad");
    verdict.textContent = ok ? "有效" : "无效";
    document.getElementById("verdict-text").textContent = ok
      ? "签名核验通过：以下结论确由本平台在核查时间作出，且未被改动。"
      : "签名核验未通过：内容与签名不符（可能被改动，或不是本平台签发的报告）。请勿采信报告所载结论。";
    var attested = QY.clear(document.getElementById("attested"));
    if (res.attested && typeof res.attested === "object") checkRows(res.attested).forEach(function (n) { attested.appendChild(n); });
    else attested.appendChild(el("dd", null, "无法读取签名内容"));
    var current = QY.clear(document.getElementById("current"));
    var note = QY.clear(document.getElementById("current-note"));
    if (res.current) {
      checkRows(res.current).forEach(function (n) { current.appendChild(n); });
      if (ok && !same(res.attested, res.current)) {
        note.appendChild(el("p", { class: "msg warn", id: "stale" }, "当前核查结果与报告所载结论不同：报告生成后情况已有变化，请以当前结果为准。"));
      }
    } else {
      note.appendChild(el("p", { class: "muted" }, "本平台当前没有该企业的公示信息。"));
    }
    document.getElementById("result").hidden = false;
  }

  async function verify(body) {
    var btn = document.getElementById("verify-btn");
    document.getElementById("result").hidden = true;
    document.getElementById("verdict").textContent = "";
    if (!body) {
      QY.show("status", "error", "无法识别签名内容：请上传或粘贴报告所附 attestation.json 的全部内容，或分别粘贴 payload 与 signature。");
      return;
    }
    btn.disabled = true;
    QY.show("status", "loading", "正在核验…");
    try {
      var res = await QY.api("/v1/public/attestations/verify", { method: "POST", body: body, auth: false });
      QY.hide("status");
      showResult(res);
      document.getElementById("result-title").focus();
    } catch (err) {
      QY.show("status", "error", err.message);
    } finally {
      btn.disabled = false;
    }
  }

  function start() {
    document.getElementById("result-title").tabIndex = -1;
    document.getElementById("verify-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      verify(bodyFromForm());
    });
    document.getElementById("clear-btn").addEventListener("click", function () {
      ["att-json", "att-payload", "att-signature", "att-file"].forEach(function (id) { document.getElementById(id).value = ""; });
      QY.hide("status");
      document.getElementById("result").hidden = true;
    });
    document.getElementById("att-file").addEventListener("change", function (ev) {
      var file = ev.target.files && ev.target.files[0];
      if (!file) return;
      if (file.size > 1024 * 1024) { QY.show("status", "error", "文件过大：attestation.json 通常只有几 KB。"); return; }
      file.text().then(function (text) {
        document.getElementById("att-json").value = text;
        verify(bodyFromForm());
      });
    });
    window.addEventListener("hashchange", scannedCode);
    scannedCode();
  }

  /** Opened from the report's QR code: verify what it carries at once. */
  function scannedCode() {
    var scanned = fromFragment();
    if (!scanned && /^#a=/.test(window.location.hash)) {
      document.getElementById("result").hidden = true;
      QY.show("status", "error", "二维码内容不完整，无法核验：请重新扫描，或上传报告所附 attestation.json。");
    } else if (scanned) {
      document.getElementById("att-json").value = JSON.stringify(scanned, null, 2);
      verify(scanned);
    }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
