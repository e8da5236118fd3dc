"""The auditor's pages: search the trail, export it (itself audited), verify the chain."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rocu.audit import selectors
from rocu.audit.forms import EventFilterForm, ExportForm
from rocu.audit.models import AuditEvent, Category
from rocu.audit.services import audit_record, audit_verify
from rocu.core.exports import safe_cell
from rocu.core.policy import Perm
from rocu.core.web import paginate, perm_required

EXPORT_COLUMNS = [
    "seq",
    "occurred_at",
    "actor_username",
    "category",
    "action",
    "object_type",
    "object_id",
    "reason",
    "recipient",
    "ip_address",
    "digest",
]


def _filtered(request: HttpRequest) -> tuple[EventFilterForm, object]:
    form = EventFilterForm(request.GET)
    if not form.is_valid():  # show the errors over an empty list, never the unfiltered trail
        return form, AuditEvent.objects.none()
    data = form.cleaned_data
    qs = selectors.events_list(
        user=request.user,
        **{k: v for k, v in data.items() if k != "sort" and v},
        sort=data.get("sort") or "-seq",
    )
    return form, qs


@perm_required(Perm.AUDIT_VIEW)
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = paginate(request, qs, default_size=50)  # type: ignore[arg-type]
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "count": page.paginator.count,
            "export_form": ExportForm(),
        },
    )


@perm_required(Perm.AUDIT_EXPORT)
@require_POST
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """CSV of exactly the filtered events; the export is a disclosure, audited first."""
    export_form = ExportForm(request.POST)
    form, qs = _filtered(request)
    if not export_form.is_valid() or not form.is_valid():
        messages.error(request, "Say why you are exporting the audit trail, and check the filters.")
        return redirect(request.get_full_path().replace("/export/", "/", 1))
    count = qs.count()  # type: ignore[attr-defined]
    audit_record(
        actor=request.user,
        category=Category.DISCLOSURE,
        action="audit.export",
        object_type="audit.auditevent",
        reason=export_form.cleaned_data["reason"],
        recipient=export_form.cleaned_data["recipient"] or request.user.get_username(),
        detail={"rows": count, "filters": {k: str(v) for k, v in form.cleaned_data.items() if v}},
    )

    def rows() -> Iterator[str]:
        buffer = _Line()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        yield buffer.take()
        for event in qs.iterator(chunk_size=2000):  # type: ignore[attr-defined]
            writer.writerow([safe_cell(getattr(event, c)) for c in EXPORT_COLUMNS])
            yield buffer.take()

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


class _Line:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        out = "".join(self.parts)
        self.parts.clear()
        return out


@perm_required(Perm.AUDIT_VIEW)
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    report = audit_verify()
    audit_record(
        actor=request.user,
        category=Category.CONSULTATION,
        action="audit.verify",
        object_type="audit.auditevent",
        detail={"ok": report.ok, "checked": report.checked},
    )
    return render(request, "audit/verify.html", {"report": report, "total": AuditEvent.objects.count()})
