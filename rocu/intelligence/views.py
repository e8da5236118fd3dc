"""Pages for person records: search, view (audited), record and correct."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rocu.accounts.models import NeedToKnowGroup, Region
from rocu.core import policy
from rocu.core.errors import ApplicationError
from rocu.core.policy import Perm
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.intelligence import permissions as intel_perms
from rocu.intelligence import selectors, services
from rocu.intelligence.forms import HoldingsUploadForm, NominalForm, NominalSearchForm


def _my_groups(user: object) -> object:
    scope = policy.scope_for(user)
    return NeedToKnowGroup.objects.filter(pk__in=scope.group_ids)


@perm_required(Perm.PERSONAL_DATA_VIEW)
def nominals(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = NominalSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.nominals_search(
        user=user, q=data.get("q", ""), category=data.get("category", ""), sort=data.get("sort") or "surname"
    )
    page = paginate(request, qs)
    selectors.audit_nominal_list(user=user, shown=list(page.object_list), q=data.get("q", ""))
    return render(request, "intelligence/nominals.html", {"page": page, "form": form, "count": page.paginator.count})


@perm_required(Perm.PERSONAL_DATA_VIEW)
def nominal(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.nominal_get(user=signed_in_user(request), pk=pk)
    return render(request, "intelligence/nominal.html", {"nominal": found})


@perm_required(Perm.PERSONAL_DATA_VIEW)
@require_http_methods(["GET", "POST"])
def nominal_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = NominalForm(request.POST or None, groups=_my_groups(user))
    if request.method == "POST" and form.is_valid():
        try:
            region = Region.objects.get(pk=user.region_id)
            created = services.nominal_create(actor=user, region=region, **form.cleaned_data)
        except (ApplicationError, Region.DoesNotExist) as exc:
            apply_service_error(
                form, exc if isinstance(exc, ApplicationError) else ApplicationError("You have no home region.")
            )
        else:
            messages.success(request, f"Person record {created.reference} created.")
            return redirect("intelligence:nominal", pk=created.pk)
    return render(request, "intelligence/nominal_form.html", {"form": form, "creating": True})


@perm_required(Perm.PERSONAL_DATA_VIEW)
@require_http_methods(["GET", "POST"])
def nominal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.nominal_get(user=user, pk=pk, reason="opened to correct")
    initial = {f: getattr(found, f) for f in services.NOMINAL_FIELDS}
    form = NominalForm(request.POST or None, initial=initial, groups=_my_groups(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.nominal_update(actor=user, nominal=found, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("intelligence:nominal", pk=found.pk)
    return render(request, "intelligence/nominal_form.html", {"form": form, "creating": False, "nominal": found})


@perm_required(intel_perms.HOLDINGS_VIEW)
def holdings(request: HttpRequest) -> HttpResponse:
    """The extracts the region's checks search: names and sizes, never the people in them."""
    user = signed_in_user(request)
    sources = selectors.holdings_sources(user=user)
    return render(
        request,
        "intelligence/holdings.html",
        {
            "sources": sources,
            "nominal_count": selectors.nominals_visible(user=user).count(),
            "model_version": selectors.linkage_model_version(),
            "can_import": policy.has_perm(user, intel_perms.HOLDINGS_MANAGE),
        },
    )


@perm_required(intel_perms.HOLDINGS_MANAGE)
@require_http_methods(["GET", "POST"])
def holdings_upload(request: HttpRequest) -> HttpResponse:
    """Upload a force system's extract; it is imported in the background with a progress bar."""
    user = signed_in_user(request)
    form = HoldingsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            started = services.holdings_upload_start(
                actor=user,
                region=Region.objects.get(pk=user.region_id),
                source_name=form.cleaned_data["source"],
                replace=form.cleaned_data["replace"],
                filename=upload.name,
                content=upload.read(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("core:job", pk=started.job_id)
    status = 400 if request.method == "POST" else 200
    recent = selectors.holdings_uploads_recent(user=user)
    return render(request, "intelligence/holdings_upload.html", {"form": form, "recent": recent}, status=status)


@perm_required(intel_perms.HOLDINGS_MANAGE)
def holdings_upload_result(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.holdings_upload_get(user=signed_in_user(request), pk=pk)
    return render(request, "intelligence/holdings_upload_result.html", {"upload": found})
