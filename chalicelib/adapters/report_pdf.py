"""企业信用信息报告 as a PDF (SPEC §6.3 report.pdf): the enterprise's public page on paper, with the
signed credit check of that moment and how to verify it.

Input is `PublicService.report` (profile, every published record by category — already the masked
public copies the page serves — and the attested credit check); nothing else is read. Chinese text
is set in reportlab's built-in CID font STSong-Light: no font file ships and none is looked up at
run time; the text stays extractable. The attested credit check is printed (payload and signature)
and embedded as the file attachment `attestation.json` (pypdf), and a QR code carries the verify
page's address with the attestation in its fragment, so a phone can check a printed report.

reportlab and pypdf are imported only here, and this module only by the PDF route (cold start).
"""
from __future__ import annotations

import base64
import io
import json
from xml.sax.saxutils import escape

from pypdf import PdfWriter
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "STSong-Light"
ATTACHMENT = "attestation.json"
TITLE = "企业信用信息报告"
PLATFORM = "涉企信息统一归集公示平台"
LONG_TERM = "2099-12-31"
QR_MAX_CHARS = 1800          # past this the QR code carries the bare verify address
QR_SIZE = 50 * mm
NOTICE = ("依据《企业信息公示暂行条例》公示。个人证件号码等非公示项不予公示；涉及商业秘密、个人隐私的内容已屏蔽（显示为 ***）。"
          "本报告内容以生成时平台公示的信息为准。")

pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BASE = dict(fontName=FONT, wordWrap="CJK")
S_TITLE = ParagraphStyle("title", **_BASE, fontSize=20, leading=26, alignment=1, spaceAfter=2 * mm)
S_SUB = ParagraphStyle("sub", **_BASE, fontSize=10, leading=14, alignment=1, textColor=colors.HexColor("#555555"))
S_H2 = ParagraphStyle("h2", **_BASE, fontSize=13, leading=18, spaceBefore=5 * mm, spaceAfter=2 * mm,
                      textColor=colors.HexColor("#0b3d91"), keepWithNext=1)
S_H3 = ParagraphStyle("h3", **_BASE, fontSize=10.5, leading=14, textColor=colors.white)
S_CELL = ParagraphStyle("cell", **_BASE, fontSize=9, leading=12.5)
S_LABEL = ParagraphStyle("label", parent=S_CELL, textColor=colors.HexColor("#333333"))
S_TEXT = ParagraphStyle("text", **_BASE, fontSize=9.5, leading=14)
S_H4 = ParagraphStyle("h4", parent=S_TEXT, fontSize=10.5, spaceBefore=2 * mm, spaceAfter=1.5 * mm)
S_MONO = ParagraphStyle("mono", **_BASE, fontSize=7.5, leading=10, textColor=colors.HexColor("#222222"))
S_OK = ParagraphStyle("ok", **_BASE, fontSize=11, leading=16, textColor=colors.HexColor("#1b5e20"))
S_BAD = ParagraphStyle("bad", **_BASE, fontSize=11, leading=16, textColor=colors.HexColor("#b71c1c"))

LINE = colors.HexColor("#b0b7c3")
HEAD = colors.HexColor("#0b3d91")
SHADE = colors.HexColor("#eef2f8")
LABEL_WIDTH = 38 * mm
PAD = 6                     # reportlab's default cell padding (points)
SPLIT_IN_ROW = 30           # a value taller than what is left of a page goes on over the page break (points)


def _p(text, style=S_CELL) -> Paragraph:
    """A paragraph of untrusted text: escaped, so nothing in a record is ever read as markup."""
    return Paragraph(escape(_text(text)).replace("\n", "<br/>"), style)


def _cell(value, width: float, style=S_CELL):
    """A table cell: plain text when it fits on one line of `width` (drawn as is, never parsed, and
    about ten times cheaper to lay out than a paragraph), else a wrapping paragraph."""
    text = _text(value)
    if "\n" not in text and pdfmetrics.stringWidth(text, FONT, style.fontSize) <= width - 2 * PAD:
        return text
    return _p(text, style)


def _text(value, date_field: bool = False) -> str:
    """A field's value as the enterprise page shows it (QY.fieldText)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    return text + "（长期）" if date_field and text.startswith(LONG_TERM) else text


def _time(iso: str | None) -> str:
    """ISO timestamp → "YYYY-MM-DD HH:MM:SS" as written (Asia/Shanghai)."""
    return (iso or "—").replace("T", " ")[:19]


def _grid(first: int = 0) -> list[tuple]:
    """The grid style of the report's (label, value) tables from row `first` on."""
    return [("GRID", (0, first), (-1, -1), 0.4, LINE), ("BACKGROUND", (0, first), (0, -1), SHADE),
            ("FONT", (0, first), (-1, -1), FONT, S_CELL.fontSize, S_CELL.leading),
            ("TEXTCOLOR", (0, first), (0, -1), S_LABEL.textColor),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]


def _pairs(rows: list[tuple[str, object]], width: float) -> Table:
    """A two-column table (label, value) of the report's grid style, `width` wide."""
    value_width = width - LABEL_WIDTH
    data = [[_cell(label, LABEL_WIDTH, S_LABEL), value if isinstance(value, Paragraph) else _cell(value, value_width)]
            for label, value in rows]
    table = Table(data, colWidths=[LABEL_WIDTH, value_width], hAlign="LEFT", splitInRow=SPLIT_IN_ROW)
    table.setStyle(TableStyle(_grid()))
    return table


def _record_rows(rec: dict, fields_of) -> list[tuple[str, object]]:
    """The fields of one record in the catalog's order (then any others), as on the enterprise page."""
    values = rec.get("fields") or {}
    rows, shown = [], set()
    for f in fields_of(rec.get("category")):
        if f.json_name in values:
            shown.add(f.json_name)
            rows.append((f.label, _text(values[f.json_name], f.type.value == "date")))
    rows += [(k, _text(v)) for k, v in values.items() if k not in shown]
    rows.append(("公示部门", rec.get("department_name") or rec.get("department") or "—"))
    rows.append(("公示日期", _time(rec.get("published_at"))[:16]))
    if rec.get("publish_until"):
        rows.append(("公示截止", _text(rec["publish_until"], True)))
    return rows


def _record(rec: dict, fields_of, width: float) -> Table:
    """One record: a title row (文号 and date) over its fields; split across pages only between field
    rows, with the title repeated (never a title alone at the foot of a page)."""
    title = "登记信息" if rec.get("category") == "registration" else (rec.get("source_ref") or "记录")
    if rec.get("decision_date"):
        title = f"{title}　{rec['decision_date']}"
    value_width = width - LABEL_WIDTH
    rows = [[_p(title, S_H3), ""]] + [[_cell(label, LABEL_WIDTH, S_LABEL), _cell(value, value_width)]
                                      for label, value in _record_rows(rec, fields_of)]
    table = Table(rows, colWidths=[LABEL_WIDTH, value_width], hAlign="LEFT", repeatRows=1, splitInRow=SPLIT_IN_ROW)
    table.setStyle(TableStyle([("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), HEAD), *_grid(1)]))
    return table


def _profile(e: dict) -> list[tuple[str, object]]:
    rows = [("企业名称", e.get("name")), ("统一社会信用代码", e.get("uscc")), ("注册号", e.get("regno")),
            ("登记状态", e.get("status"))]
    if e.get("former_names"):
        rows.append(("曾用名", "、".join(e["former_names"])))
    if e.get("registered_elsewhere"):
        rows.append(("登记地", "外地登记（由其登记机关公示）"))
    return [(k, v) for k, v in rows if v]


def _restriction(check: dict, category_name) -> list:
    if not check.get("restricted"):
        return [_p("未发现联合惩戒信息（不在经营异常名录、严重违法失信名单中，无有效期内的限制类行政处罚）。", S_OK)]
    out: list = [_p("受限：联合惩戒对象（一处违法，处处受限）。以下信息仍在有效期内：", S_BAD), Spacer(1, 1.5 * mm)]
    rows = [[_p(h, S_LABEL) for h in ("事由", "类别", "记录", "自", "至")]]
    for r in check.get("reasons") or []:
        rows.append([_p(r.get("reason")), _p(category_name(r.get("category"))), _p(r.get("record_id")), _p(r.get("since")),
                     _p(r.get("until") or "尚未移出")])
    table = Table(rows, colWidths=[40 * mm, 36 * mm, 54 * mm, 24 * mm, 24 * mm], hAlign="LEFT", repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, LINE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return out + [table]


def qr_target(verify_url: str, attestation: dict) -> str:
    """What the QR code carries: the verify page with the signed payload and signature in its fragment
    (never sent to a server by the browser), or the bare page when that would be too long to scan."""
    bare = {"payload": attestation.get("payload"), "signature": attestation.get("signature")}
    token = base64.urlsafe_b64encode(json.dumps(bare, ensure_ascii=False, separators=(",", ":"))
                                     .encode("utf-8")).decode().rstrip("=")
    url = f"{verify_url}#a={token}"
    return url if len(url) <= QR_MAX_CHARS else verify_url


def _qr(target: str) -> QrCode:
    """reportlab's QR flowable: encoded once and drawn straight onto the page (its Drawing widget
    encodes twice and builds a shape per run of modules)."""
    return QrCode(target, width=QR_SIZE, height=QR_SIZE, qrLevel="L" if len(target) > 600 else "M")


def _verification(check: dict, verify_url: str, width: float) -> list:
    att = check.get("attestation") or {}
    rows = [("核查时间", _time(check.get("checked_at"))), ("签名算法", att.get("algorithm")),
            ("签名密钥", att.get("key_id")), ("签名内容 payload", _p(att.get("payload"), S_MONO)),
            ("签名 signature", _p(att.get("signature"), S_MONO))]
    how = _p(f"核验方法：打开 {verify_url} ，扫描右侧二维码，或上传本报告所附文件 {ATTACHMENT}"
             "（也可粘贴上面的 payload 与 signature）。核验结果为“有效”，说明以上联合惩戒核查结论确由本平台在核查时间作出且未被改动；"
             f"核验页同时显示当前的核查结果。公钥：{verify_url.rsplit('/pages/', 1)[0]}/v1/public/attestation-key 。",
             S_TEXT)
    side = Table([[how, _qr(qr_target(verify_url, att))]], colWidths=[width - QR_SIZE - 6 * mm, QR_SIZE + 6 * mm],
                 hAlign="LEFT")
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [_pairs(rows, width), Spacer(1, 3 * mm), side]


def render(report: dict, catalog, verify_url: str) -> bytes:
    """The report as PDF bytes, with the attested credit check attached as `attestation.json`."""
    e, check = report["enterprise"], report["credit_check"]
    made = _time(report.get("made_at"))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"{TITLE}：{e.get('name')}", author=PLATFORM,
                            subject=TITLE, creator=PLATFORM, lang="zh-CN")
    width = doc.width

    def fields_of(category_id):
        cat = catalog.categories.get(category_id)
        return cat.fields if cat else ()

    def category_name(category_id):
        cat = catalog.categories.get(category_id)
        return cat.name if cat else category_id

    story: list = [_p(TITLE, S_TITLE), _p(f"{PLATFORM}　｜　报告生成时间 {made}", S_SUB), Spacer(1, 4 * mm),
                   _p("一、企业基本信息", S_H2), _pairs(_profile(e), width),
                   _p("二、联合惩戒核查", S_H2), *_restriction(check, category_name),
                   _p(f"三、公示信息（共 {report.get('total', 0)} 条）", S_H2)]
    for group in report["categories"]:
        records = group.get("records") or []
        story += [CondPageBreak(35 * mm), _p(f"{group.get('name')}（{len(records)} 条）", S_H4)]
        if not records:
            story.append(_p(f"暂无{group.get('name')}。", S_TEXT))
        for rec in records:
            story += [_record(rec, fields_of, width), Spacer(1, 2.5 * mm)]
    story += [KeepTogether([_p("四、签名核验", S_H2), *_verification(check, verify_url, width)]),
              Spacer(1, 4 * mm), _p(NOTICE, S_MONO)]

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(doc_.leftMargin, 10 * mm, f"{TITLE}　｜　{e.get('name')}　｜　生成于 {made}")
        canvas.drawRightString(doc_.leftMargin + doc_.width, 10 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return _attach(buf.getvalue(), json.dumps(check, ensure_ascii=False, indent=2).encode("utf-8"))


def _attach(pdf: bytes, attestation: bytes) -> bytes:
    """The PDF with `attestation` as its attached file, added as an incremental update (the bytes
    reportlab wrote stay as they are)."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_attachment(ATTACHMENT, attestation)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def filename(report: dict) -> tuple[str, str]:
    """(ASCII fallback, Chinese name) of the download."""
    e, day = report["enterprise"], (report.get("made_at") or "")[:10]
    return f"credit-report-{e.get('code')}-{day}.pdf", f"{TITLE}-{e.get('name')}-{day}.pdf"
