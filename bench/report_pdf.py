"""企业信用信息报告 PDF (`python -m bench --only report_pdf`): time and size of the report of an
enterprise with RECORDS published records (target < 1 s, < 500 KB; issue #25).

One enterprise registered, RECORDS − 1 more records forwarded (penalties, licences, inspections and
其他 in turn, all of the same enterprise), then `GET /v1/public/enterprises/{code}/report.pdf`
REPEAT times through the app (the route's whole work: the public-side read, the attestation — KMS
on the emulator, cached after the first —, the rendering and the attachment), and the rendering
alone (`adapters.report_pdf.render` of the same report) REPEAT times. Medians of wall and CPU seconds (on a shared machine the CPU figure is the
steadier one); the first request
(imports, font registration, the first signature) is reported apart. Asserts nothing.
"""
from __future__ import annotations

import io
import json
import statistics

from bench.common import Timer, enterprise_pool, log, register_pool, set_env

KINDS = ("admin_penalty", "admin_license", "inspection", "other")
REF_FIELD = {"admin_penalty": "CF_WSH", "admin_license": "XK_WSH", "inspection": "inspection_no", "other": "doc_no"}


def _records(ent: dict, n: int) -> dict[str, list[dict]]:
    """n records of the enterprise, spread over KINDS, each with its own 文号."""
    from chalicelib.local.demo_data import sample_record

    party = {"admin_penalty": {"CF_XDR_MC": ent["name"], "CF_XDR_SHXYM": ent["uscc"], "CF_XDR_GSZC": ent["regno"]},
             "admin_license": {"XK_XDR_MC": ent["name"], "XK_XDR_SHXYM": ent["uscc"]}}
    out: dict[str, list[dict]] = {k: [] for k in KINDS}
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        fields = party.get(kind, {"name": ent["name"], "uscc": ent["uscc"], "regno": ent["regno"]})
        out[kind].append(sample_record(kind, **fields, **{REF_FIELD[kind]: f"广元〔2026〕B{i:04d}号"}))
    return out


def run(records: int = 100, repeat: int = 5) -> dict:
    from chalice.test import Client

    from bench.common import Emulator
    from chalicelib.container import get_container
    from chalicelib.models.principal import Principal

    emu = Emulator()
    try:
        emu.reset()
        c = get_container()
        (ent,) = enterprise_pool(1)
        register_pool(c, [ent])
        who = Principal(username="op-d12", role="operator", department="d12")
        for kind, batch in _records(ent, records - 1).items():
            out = c.submissions.submit(who, "d12", kind, batch)
            if out.rejected:
                raise RuntimeError(f"{kind} rejected: {out.rejected[:2]}")
        c.jobs.run("forward")
        log(f"report_pdf: {records} published records, {repeat} × GET report.pdf, {repeat} × render")
        import app as app_module

        path = f"/v1/public/enterprises/{ent['uscc']}/report.pdf"
        times, body = [], b""
        with Client(app_module.app, stage_name="test") as client:
            for _ in range(repeat + 1):
                with Timer() as t:
                    resp = client.http.get(path, headers={"Accept": "application/pdf"})
                times.append(t)
                if resp.status_code != 200:
                    raise RuntimeError(f"GET {path}: {resp.status_code} {resp.body[:300]}")
                body = resp.body
        from pypdf import PdfReader

        from chalicelib.adapters.report_pdf import render

        reader = PdfReader(io.BytesIO(body))
        report = c.public.report(ent["uscc"], c.attestation.attest)
        renders = []
        for _ in range(repeat):
            with Timer() as t:
                render(report, c.catalog, "https://example.invalid/pages/verify.html")
            renders.append(t)

        def median(ts, what):
            return round(statistics.median(getattr(t, what) for t in ts), 3)

        return {"records": report["total"], "pages": len(reader.pages), "kb": round(len(body) / 1024, 1),
                "first_s": round(times[0].seconds, 3), "request_s": median(times[1:], "seconds"),
                "request_cpu": median(times[1:], "cpu"), "render_s": median(renders, "seconds"),
                "render_cpu": median(renders, "cpu"), "repeat": repeat}
    finally:
        emu.stop()


if __name__ == "__main__":
    set_env()
    print(json.dumps(run(), ensure_ascii=False, indent=1, default=str))
