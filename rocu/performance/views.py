"""Performance pages: thin views over selectors and the reports built from them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.core.errors import ValidationFailed
from rocu.core.exports import csv_response, xlsx_response
from rocu.core.web import perm_required, signed_in_user
from rocu.engines import metrics as m
from rocu.performance import reports, selectors, services
from rocu.performance.permissions import PERFORMANCE_CATALOGUE, PERFORMANCE_NATIONAL, PERFORMANCE_VIEW

FORMATS = ("csv", "xlsx", "pdf")


def period_options(today: Any) -> list[m.Period]:
    fy = m.financial_year_of(today)
    current_q = m.current_period("quarter", today)
    out = [m.parse_period(f"FY{y}") for y in range(fy, fy - 3, -1)]
    out += list(reversed(m.trend_periods(current_q, 8)))
    out += list(reversed(m.trend_periods(m.current_period("month", today), 12)))
    return out


def _period(request: HttpRequest) -> m.Period:
    token = request.GET.get("period") or m.current_period("quarter", timezone.localdate()).token
    try:
        period = m.parse_period(token)
    except m.PeriodError as exc:
        raise ValidationFailed(str(exc), field="period") from None
    selectors.check_period(period)
    return period


def _dashboard(request: HttpRequest) -> tuple[reports.Report, selectors.DashboardScope, m.Period, list[str]]:
    user = signed_in_user(request)
    scope = selectors.scope_for(user, request.GET.get("scope"))
    period = _period(request)
    metric_ids = [v for v in request.GET.getlist("metric") if v]
    results = selectors.compute(
        metric_ids or None, scope, period, disclosure_control=selectors.disclosure_controlled(user)
    )
    return reports.dashboard_report(results, scope.label, period), scope, period, metric_ids


def _error_page(request: HttpRequest, template: str, context: dict[str, Any], exc: ValidationFailed) -> HttpResponse:
    context["error"] = exc.message
    context["error_field"] = exc.field
    return render(request, template, context, status=400)


@perm_required(PERFORMANCE_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "scopes": selectors.scope_choices(user),
        "periods": period_options(today),
        "catalogue": m.CATALOGUE,
        "chosen_scope": request.GET.get("scope", ""),
        "chosen_period": request.GET.get("period", ""),
        "chosen_metrics": request.GET.getlist("metric"),
    }
    try:
        report, scope, period, _ = _dashboard(request)
    except ValidationFailed as exc:
        return _error_page(request, "performance/dashboard.html", context, exc)
    context.update(
        report=report,
        scope=scope,
        period=period,
        chosen_scope=scope.key,
        chosen_period=period.token,
        controlled=selectors.disclosure_controlled(user),
        query=request.GET.urlencode(),
    )
    return render(request, "performance/dashboard.html", context)


def _export(request: HttpRequest, report: reports.Report, what: str, fmt: str, region_id: int | None) -> HttpResponse:
    user = signed_in_user(request)
    header, rows = report.flat_rows()
    services.performance_export(
        actor=user,
        what=what,
        fmt=fmt,
        scope_label=report.scope_label,
        period=report.period_label,
        rows=len(rows),
        region_id=region_id,
    )
    stem = f"rocu-{what}-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        notes = [["Definitions"]] + [[label, text] for label, text in report.definitions()]
        return csv_response(f"{stem}.csv", header, [*rows, [], *notes])
    if fmt == "xlsx":
        return xlsx_response(f"{stem}.xlsx", header, rows, sheet=what, notes=report.definitions())
    return pdf_response(f"{stem}.pdf", render_to_string("performance/report_pdf.html", {"report": report}))


def pdf_response(filename: str, html: str) -> HttpResponse:
    from weasyprint import HTML

    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed("Exports come as CSV, XLSX or PDF.", field="format")
    return fmt


@perm_required(PERFORMANCE_VIEW)
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        _format(fmt)
        report, scope, _, _ = _dashboard(request)
    except ValidationFailed as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    region_id = scope.region_ids[0] if scope.region_ids and len(scope.region_ids) == 1 else None
    return _export(request, report, "dashboard", fmt, region_id)


@perm_required(PERFORMANCE_CATALOGUE)
def catalogue(request: HttpRequest) -> HttpResponse:
    live = selectors.availability()
    rows = [(metric, live[metric.id]) for metric in m.CATALOGUE]
    return render(
        request,
        "performance/catalogue.html",
        {"rows": rows, "version": m.CATALOGUE_VERSION, "unavailable": selectors.UNAVAILABLE},
    )


def _national(request: HttpRequest) -> tuple[reports.Report, m.MetricDefinition, m.Period, list[str]]:
    metric_id = request.GET.get("metric") or selectors.NATIONAL_METRICS[0]
    period = _period(request)
    units = selectors.national_units(metric_id, period)
    metric = m.BY_ID[metric_id]
    missing = [name for name, _, n in units if n == 0]
    return reports.national_report(metric, period, units), metric, period, missing


@perm_required(PERFORMANCE_NATIONAL)
def national(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    live = selectors.availability()
    context: dict[str, Any] = {
        "metrics": [(m.BY_ID[i], live[i]) for i in selectors.NATIONAL_METRICS],
        "periods": period_options(today),
        "chosen_metric": request.GET.get("metric", selectors.NATIONAL_METRICS[0]),
        "chosen_period": request.GET.get("period", ""),
    }
    try:
        report, metric, period, missing = _national(request)
    except ValidationFailed as exc:
        return _error_page(request, "performance/national.html", context, exc)
    context.update(
        report=report,
        metric=metric,
        period=period,
        missing=missing,
        chosen_period=period.token,
        query=request.GET.urlencode(),
    )
    return render(request, "performance/national.html", context)


@perm_required(PERFORMANCE_NATIONAL)
def national_export(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        _format(fmt)
        report, _, _, _ = _national(request)
    except ValidationFailed as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    return _export(request, report, "national", fmt, None)


@perm_required(PERFORMANCE_VIEW)
def pcc_report(request: HttpRequest) -> HttpResponse:
    from rocu.performance import pcc

    user = signed_in_user(request)
    try:
        scope = selectors.scope_for(user, request.GET.get("scope"))
        period = _period(request)
        if period.kind != "quarter":
            raise ValidationFailed("The PCC report covers a quarter: choose one such as 2025-Q3.", field="period")
    except ValidationFailed as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    html = pcc.report_html(scope, period, disclosure_control=True)
    region_id = scope.region_ids[0] if scope.region_ids and len(scope.region_ids) == 1 else None
    services.performance_export(
        actor=user,
        what="pcc-report",
        fmt="pdf",
        scope_label=scope.label,
        period=period.label,
        rows=0,
        region_id=region_id,
    )
    return pdf_response(f"rocu-pcc-report-{period.token}.pdf", html)


def public(request: HttpRequest) -> HttpResponse:
    """Headline results anyone may read: no sign-in, small numbers suppressed."""
    regions = list(Region.objects.order_by("name"))
    code = request.GET.get("region", "")
    region = next((r for r in regions if r.code == code), None)
    if code and region is None:
        return render(
            request,
            "performance/public.html",
            {"regions": regions, "error": "There is no region with that name: choose one from the list."},
            status=400,
        )
    if region is None:
        user = request.user
        region = next((r for r in regions if r.pk == getattr(user, "region_id", None)), None) or (
            regions[0] if regions else None
        )
    context: dict[str, Any] = {"regions": regions, "region": region}
    if region is not None:
        quarters = m.trend_periods(m.current_period("quarter", timezone.localdate()).previous(), 4)
        context["results"] = selectors.public_results(region, quarters)
    return render(request, "performance/public.html", context)
