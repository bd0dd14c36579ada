"""监管: the supervision reports."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.clock import parse_day
from chalicelib.container import get_container
from chalicelib.http import output_format, xlsx_download
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)


@api.route("/v1/reports/departments")
def department_report(ctx):
    report = get_container().reports.departments(
        parse_day(ctx.query("from"), "from"), parse_day(ctx.query("to"), "to"), ctx.query("region"))
    if output_format(ctx.query("format")) == "json":
        return report
    from chalicelib.adapters.report_xlsx import department_report_xlsx, report_filename  # openpyxl only here
    return xlsx_download(department_report_xlsx(report), f"report-{report['from']}-{report['to']}.xlsx",
                         report_filename(report))


@api.route("/v1/reports/departments/{department_id}")
def department_drilldown(ctx, department_id):
    ctx.target = department_id
    return get_container().drilldown.department(
        department_id, parse_day(ctx.query("from"), "from"), parse_day(ctx.query("to"), "to"))


@api.route("/v1/reports/monthly")
def monthly_reports(ctx):
    c = get_container()
    return c.monthly.listing()
