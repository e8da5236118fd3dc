"""Governance pages: inspections, report ingestion, recommendation tracking, the 56-day
response and its public page, national oversight, accountable officers, the
counter-corruption measures register and the good practice library.

Small action forms on a record's page post to their own URL and come back to the
page with a message; a refusal the user can fix (bad input, a conflict) is shown the
same way, while a forbidden action answers 403 and an unseen record 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rocu.accounts.models import Region, User
from rocu.core import policy
from rocu.core.concurrency import EditConflict, rebased_form
from rocu.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied, ValidationFailed
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.governance import permissions as p
from rocu.governance import publishing, selectors, services
from rocu.governance.forms import (
    AdoptForm,
    AppointForm,
    AssignForm,
    DecisionForm,
    EvidenceForm,
    FindingForm,
    InspectionFilterForm,
    InspectionForm,
    MeasureForm,
    NoteForm,
    OutcomeForm,
    PositionForm,
    PracticeFilterForm,
    PracticeForm,
    ProgressForm,
    ProposedFindingFormSet,
    ReportConfirmForm,
    ReportUploadForm,
    RespondForm,
    TextForm,
    TrackingFilterForm,
)
from rocu.governance.models import (
    AccountableSubject,
    FindingKind,
    InspectionResponse,
    Position,
    ProgressStatus,
    RecommendationTracking,
    ReportUpload,
)


def _act(request: HttpRequest, back: str, call: Callable[[], Any], done: str) -> HttpResponse:
    """Run one service for a small action form; fixable refusals come back as a message."""
    try:
        call()
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(back)


def _form_error(request: HttpRequest, form: Any, back: str) -> HttpResponse:
    first = next(iter(form.errors.values()))[0] if form.errors else "Check what you entered."
    label = next(iter(form.errors.keys()), "")
    field = form.fields.get(label)
    messages.error(request, f"{field.label or label.replace('_', ' ').capitalize()}: {first}" if field else first)
    return redirect(back)


# --- Inspections ------------------------------------------------------------------------


@perm_required(p.GOVERNANCE_VIEW)
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    filters = InspectionFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.inspections_list(
        user=user, q=data.get("q", ""), body=data.get("body", ""), sort=data.get("sort") or "-published"
    )
    page = paginate(request, qs)
    mine = selectors.trackings_list(user=user, mine=True).exclude(progress=ProgressStatus.COMPLETE)[:10]
    return render(
        request,
        "governance/index.html",
        {
            "page": page,
            "count": page.paginator.count,
            "filters": filters,
            "mine": mine,
            "can_manage": policy.has_perm(user, p.GOVERNANCE_MANAGE),
        },
    )


@perm_required(p.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = InspectionForm(
        request.POST if request.method == "POST" else None, regions=selectors.regions_in_scope(user=user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.inspection_create(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Inspection recorded. Add its findings below.")
            return redirect("governance:inspection", pk=created.pk)
    return render(request, "governance/inspection_form.html", {"form": form}, status=400 if form.errors else 200)


@perm_required(p.GOVERNANCE_VIEW)
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.inspection_get(user=user, pk=pk)
    findings = list(selectors.findings_of(user=user, inspection=found))
    trackings = selectors.trackings_visible(user=user).filter(finding__inspection=found)
    tracked: dict[int, list[RecommendationTracking]] = {}
    for t in trackings:
        tracked.setdefault(t.finding_id, []).append(t)
    for f in findings:
        f.tracked = tracked.get(f.pk, [])  # type: ignore[attr-defined]
    responses = selectors.responses_visible(user=user).filter(inspection=found)
    may_respond = policy.has_perm(user, p.GOVERNANCE_CC_COMMENT) or policy.has_perm(user, p.GOVERNANCE_PCC_RESPOND)
    return render(
        request,
        "governance/inspection.html",
        {
            "inspection": found,
            "findings": findings,
            "responses": responses,
            "deadline": found.response_due,
            "can_manage": policy.has_perm(user, p.GOVERNANCE_MANAGE),
            "respond_form": RespondForm(forces=selectors.response_forces(user=user)) if may_respond else None,
            "finding_form": FindingForm(),
        },
    )


@perm_required(p.GOVERNANCE_MANAGE)
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.inspection_get(user=user, pk=pk)
    back = reverse("governance:inspection", args=[found.pk])
    form = FindingForm(request.POST)
    if not form.is_valid():
        return _form_error(request, form, back)
    return _act(
        request, back, lambda: services.finding_add(actor=user, inspection=found, **form.cleaned_data), "Finding added."
    )


@perm_required(p.GOVERNANCE_MANAGE)
@require_POST
def track_network(request: HttpRequest, pk: int) -> HttpResponse:
    """Start tracking one recommendation in every region (or the manager's own)."""
    user = signed_in_user(request)
    finding = selectors.finding_get(user=user, pk=request.POST.get("finding", ""))
    found = selectors.inspection_get(user=user, pk=pk)
    if finding.inspection_id != found.pk:
        raise NotFound()
    back = reverse("governance:inspection", args=[found.pk])
    return _act(
        request, back, lambda: services.tracking_start_network(actor=user, finding=finding), "Tracking started."
    )


@perm_required(p.GOVERNANCE_VIEW)
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.inspection_get(user=user, pk=pk)
    if not (policy.has_perm(user, p.GOVERNANCE_CC_COMMENT) or policy.has_perm(user, p.GOVERNANCE_PCC_RESPOND)):
        raise PermissionDenied("Only the chief constable's office or the PCC's office writes the response.")
    form = RespondForm(request.POST, forces=selectors.response_forces(user=user))
    if not form.is_valid():
        return _form_error(request, form, reverse("governance:inspection", args=[found.pk]))
    response = services.response_open(actor=user, inspection=found, force=form.cleaned_data["force"])
    return redirect("governance:response", pk=response.pk)


# --- Report ingestion ---------------------------------------------------------------------


@perm_required(p.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ReportUploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.report_upload(actor=user, upload=form.cleaned_data["file"])
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            if record.job_id and record.state == ReportUpload.State.READING:
                return redirect("core:job", pk=record.job_id)
            return redirect("governance:upload", pk=record.pk)
    return render(request, "governance/upload.html", {"form": form}, status=400 if form.errors else 200)


def _proposal_initial(record: ReportUpload) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    prop = record.proposal
    initial = {
        "title": prop.get("title", ""),
        "body": prop.get("inspecting_body", "hmicfrs"),
        "published": prop.get("published") or None,
        "chief_constable_comments": prop.get("chief_constable_comments", ""),
        "pcc_response": prop.get("pcc_response", ""),
    }
    rows = [{**f, "keep": True, "due_date": f.get("due_date") or None} for f in prop.get("findings", [])]
    return initial, rows


@perm_required(p.GOVERNANCE_MANAGE)
@require_http_methods(["GET", "POST"])
def upload_review(request: HttpRequest, pk: int) -> HttpResponse:
    """What rocu proposes from the report; nothing is saved until the person confirms."""
    user = signed_in_user(request)
    record = selectors.upload_get(user=user, pk=pk)
    if record.state == ReportUpload.State.CONFIRMED and record.inspection_id:
        return redirect("governance:inspection", pk=record.inspection_id)
    if record.state != ReportUpload.State.PROPOSED:
        return render(request, "governance/upload_waiting.html", {"record": record})
    initial, rows = _proposal_initial(record)
    forces = selectors.response_forces(user=user)
    regions = selectors.regions_in_scope(user=user)
    if request.method == "POST":
        form = ReportConfirmForm(request.POST, regions=regions, forces=forces)
        formset = ProposedFindingFormSet(request.POST, prefix="findings")
    else:
        form = ReportConfirmForm(initial=initial, regions=regions, forces=forces)
        formset = ProposedFindingFormSet(initial=rows, prefix="findings")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kept = [
            {k: v for k, v in f.cleaned_data.items() if k != "keep"}
            for f in formset.forms
            if f.cleaned_data and f.cleaned_data.get("keep") and f.cleaned_data.get("text")
        ]
        data = dict(form.cleaned_data)
        try:
            created = services.report_confirm(actor=user, upload=record, findings=kept, **data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Inspection saved with {len(kept)} findings.")
            return redirect("governance:inspection", pk=created.pk)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return render(
        request,
        "governance/upload_review.html",
        {
            "record": record,
            "form": form,
            "formset": formset,
            "counts": [(FindingKind(k).label, n) for k, n in counts.items()],
            "response_due_in_text": record.proposal.get("response_due_in_text", ""),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Recommendation tracking ------------------------------------------------------------------


@perm_required(p.GOVERNANCE_VIEW)
def recommendations(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    regions = selectors.regions_in_scope(user=user)
    filters = TrackingFilterForm(request.GET, regions=regions)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.trackings_list(
        user=user,
        q=data.get("q", ""),
        region=data.get("region"),
        progress=data.get("progress", ""),
        mine=bool(data.get("mine")),
        overdue=bool(data.get("overdue")),
        sort=data.get("sort") or "due",
    )
    page = paginate(request, qs)
    today = timezone.localdate()
    for t in page.object_list:
        t.state = t.deadline(today)
    return render(
        request, "governance/recommendations.html", {"page": page, "count": page.paginator.count, "filters": filters}
    )


@perm_required(p.GOVERNANCE_VIEW)
def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    return _recommendation_page(request, user, selectors.tracking_get(user=user, pk=pk))


def _recommendation_page(
    request: HttpRequest,
    user: Any,
    t: RecommendationTracking,
    *,
    progress_form: Any = None,
    outcome_form: Any = None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    """The recommendation's page; after a stale update, with both versions and the re-drawn form."""
    may_act = services.may_act(user, t)
    may_manage = policy.has_perm(user, p.GOVERNANCE_MANAGE) and services.in_scope(user, t.region_id)
    may_decide = (
        t.closure_requested_at is not None
        and t.owner_id != user.pk
        and (
            t.approver_id == user.pk
            or (policy.has_perm(user, p.GOVERNANCE_APPROVE) and services.in_scope(user, t.region_id))
        )
    )
    people = selectors.people_of_region(user=user, region_id=t.region_id) if may_manage else None
    positions = t.finding.positions.select_related("response__force").filter(
        response__in=selectors.responses_visible(user=user)
    )
    return render(
        request,
        "governance/recommendation.html",
        {
            "t": t,
            "state": t.deadline(),
            "changes": t.changes.select_related("changed_by")[:100],
            "evidence": selectors.evidence_visible(user=user).filter(tracking=t),
            "positions": positions,
            "may_act": may_act,
            "may_manage": may_manage,
            "may_decide": may_decide,
            "progress_form": progress_form
            or ProgressForm(initial={"progress": t.progress, "row_version": t.row_version}),
            "outcome_form": outcome_form or OutcomeForm(initial={"outcome": t.outcome, "row_version": t.row_version}),
            "conflict": conflict,
            "evidence_form": EvidenceForm(),
            "note_form": NoteForm(),
            "decision_form": DecisionForm(),
            "assign_form": AssignForm(
                people=people, initial={"owner": t.owner_id, "approver": t.approver_id, "due_date": t.due_date}
            )
            if people is not None
            else None,
        },
    )


def _may_or_403(user: Any, t: RecommendationTracking, name: str) -> None:
    """Refuse a forbidden action before looking at its input: 403, not a form error."""
    if name == "decision":
        if t.owner_id == user.pk:
            raise PermissionDenied("The owner cannot approve their own closure: another person must.")
        if t.approver_id != user.pk and not (
            policy.has_perm(user, p.GOVERNANCE_APPROVE) and services.in_scope(user, t.region_id)
        ):
            raise PermissionDenied("Only the named approver or a governance approver of the region decides.")
    elif name == "assign":
        if not (policy.has_perm(user, p.GOVERNANCE_MANAGE) and services.in_scope(user, t.region_id)):
            raise PermissionDenied("Only a governance manager of the region assigns owners.")
    elif not services.may_act(user, t):
        raise PermissionDenied("Only the recommendation's owner or a governance manager of its region can do that.")


def _versioned_update(request: HttpRequest, user: Any, t: RecommendationTracking, name: str, back: str) -> HttpResponse:
    """A progress or outcome update: from a stale page it shows both versions, writing nothing."""
    form_class = ProgressForm if name == "progress" else OutcomeForm
    form: Any = form_class(request.POST)
    if not form.is_valid():
        return _form_error(request, form, back)
    data = dict(form.cleaned_data)
    version = data.pop("row_version")
    try:
        if name == "progress":
            services.tracking_progress(actor=user, tracking=t, expected_version=version, **data)
        else:
            services.tracking_outcome(actor=user, tracking=t, expected_version=version, **data)
    except EditConflict as exc:
        fresh = selectors.tracking_get(user=user, pk=t.pk)
        rebased = rebased_form(form, exc)
        forms = {"progress_form": rebased} if name == "progress" else {"outcome_form": rebased}
        return _recommendation_page(request, user, fresh, conflict=exc, **forms)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Progress status recorded." if name == "progress" else "Outcome assessment recorded.")
    return redirect(back)


def _tracking_action(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    @perm_required(p.GOVERNANCE_VIEW)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = signed_in_user(request)
        t = selectors.tracking_get(user=user, pk=pk)
        back = reverse("governance:recommendation", args=[t.pk])
        _may_or_403(user, t, name)
        if name in ("progress", "outcome"):
            return _versioned_update(request, user, t, name, back)
        form: Any
        if name == "evidence":
            form = EvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                return _form_error(request, form, back)
            return _act(
                request,
                back,
                lambda: services.evidence_add(
                    actor=user,
                    tracking=t,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    shared=form.cleaned_data["shared"],
                    personal_data=form.cleaned_data["personal_data"],
                ),
                "Evidence added.",
            )
        if name == "closure":
            form = NoteForm(request.POST)
            form.is_valid()
            return _act(
                request,
                back,
                lambda: services.tracking_closure_request(
                    actor=user, tracking=t, note=form.cleaned_data.get("note", "")
                ),
                "Closure requested: the approver has been asked to decide.",
            )
        if name == "decision":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                return _form_error(request, form, back)
            approve = form.cleaned_data["decision"] == "approve"
            return _act(
                request,
                back,
                lambda: services.tracking_closure_decide(
                    actor=user, tracking=t, approve=approve, note=form.cleaned_data["note"]
                ),
                "Closure approved: the recommendation is complete." if approve else "Closure returned to the owner.",
            )
        # assign
        form = AssignForm(request.POST, people=selectors.people_of_region(user=user, region_id=t.region_id))
        if not form.is_valid():
            return _form_error(request, form, back)
        return _act(
            request,
            back,
            lambda: services.tracking_assign(actor=user, tracking=t, **form.cleaned_data),
            "Owner, approver and due date saved.",
        )

    view.__name__ = f"recommendation_{name}"
    return view


recommendation_progress = _tracking_action("progress")
recommendation_outcome = _tracking_action("outcome")
recommendation_evidence = _tracking_action("evidence")
recommendation_closure = _tracking_action("closure")
recommendation_decision = _tracking_action("decision")
recommendation_assign = _tracking_action("assign")


@perm_required(p.GOVERNANCE_VIEW)
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Always an attachment, never sniffed: a file cannot run as a page of rocu."""
    user = signed_in_user(request)
    evidence = selectors.evidence_get(user=user, pk=pk)
    selectors.evidence_opened(user=user, evidence=evidence)
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.filename, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The 56-day response ---------------------------------------------------------------------


@perm_required(p.GOVERNANCE_VIEW)
def responses(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    qs = selectors.responses_visible(user=user).order_by("-inspection__published", "force__name")
    page = paginate(request, qs)
    today = timezone.localdate()
    for r in page.object_list:
        r.state_now = r.deadline(today)
    return render(request, "governance/responses.html", {"page": page, "count": page.paginator.count})


@perm_required(p.GOVERNANCE_VIEW)
def response(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    r = selectors.response_get(user=user, pk=pk)
    positions = {pos.finding_id: pos for pos in selectors.positions_of(r)}
    recs = list(r.inspection.findings.filter(kind=FindingKind.RECOMMENDATION))
    editable = r.state == InspectionResponse.State.DRAFT
    may_cc = editable and policy.has_perm(user, p.GOVERNANCE_CC_COMMENT)
    may_pcc = editable and policy.has_perm(user, p.GOVERNANCE_PCC_RESPOND)
    rows = []
    for f in recs:
        pos = positions.get(f.pk)
        form = (
            PositionForm(
                initial={
                    "finding": f.pk,
                    "position": pos.position if pos else "",
                    "reasons": pos.reasons if pos else "",
                },
                prefix=f"f{f.pk}",
            )
            if (may_cc or may_pcc)
            else None
        )
        rows.append({"finding": f, "position": pos, "form": form})
    return render(
        request,
        "governance/response.html",
        {
            "r": r,
            "state": r.deadline(),
            "rows": rows,
            "missing": services.response_missing(r) if editable else [],
            "may_cc": may_cc,
            "may_pcc": may_pcc,
            "cc_form": TextForm(initial={"text": r.chief_constable_comments}, prefix="cc"),
            "pcc_form": TextForm(initial={"text": r.pcc_response}, prefix="pcc"),
        },
    )


def _response_action(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    perm = {"cc": p.GOVERNANCE_CC_COMMENT, "pcc": p.GOVERNANCE_PCC_RESPOND, "publish": p.GOVERNANCE_PCC_RESPOND}.get(
        name, p.GOVERNANCE_VIEW
    )

    @perm_required(perm)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = signed_in_user(request)
        r = selectors.response_get(user=user, pk=pk)
        back = reverse("governance:response", args=[r.pk])
        if name in ("cc", "pcc"):
            form: Any = TextForm(request.POST, prefix=name)
            if not form.is_valid():
                return _form_error(request, form, back)
            if name == "cc":
                return _act(
                    request,
                    back,
                    lambda: services.response_cc_comments(actor=user, response=r, text=form.cleaned_data["text"]),
                    "Chief constable's comments saved.",
                )
            return _act(
                request,
                back,
                lambda: services.response_pcc(actor=user, response=r, text=form.cleaned_data["text"]),
                "PCC's response saved.",
            )
        if name == "position":
            services.require_responder(user, r.force)
            finding_id = request.POST.get("finding", "")
            form = PositionForm(request.POST, prefix=f"f{finding_id}" if finding_id.isdigit() else "x")
            if not form.is_valid():
                return _form_error(request, form, back)
            finding = r.inspection.findings.filter(pk=form.cleaned_data["finding"]).first()
            if finding is None:
                raise NotFound()
            return _act(
                request,
                back,
                lambda: services.position_set(
                    actor=user,
                    response=r,
                    finding=finding,
                    position=form.cleaned_data["position"],
                    reasons=form.cleaned_data["reasons"],
                ),
                f"Position on {finding.reference} recorded.",
            )
        try:
            services.response_publish(actor=user, response=r)
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, exc.message)
            return redirect(back)
        messages.success(request, "Response published: its public page and PDF are now open to anyone.")
        return redirect(back)

    view.__name__ = f"response_{name}"
    return view


response_cc = _response_action("cc")
response_pcc = _response_action("pcc")
response_position = _response_action("position")
response_publish = _response_action("publish")


def public_response(request: HttpRequest, slug: str) -> HttpResponse:
    """The published response: no sign-in, nothing but what was published."""
    r = selectors.response_public(slug=slug)
    return render(request, "governance/public_response.html", publishing.context(r))


def public_response_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    r = selectors.response_public(slug=slug)
    pdf = publishing.response_pdf(r, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{r.public_slug}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- National oversight ---------------------------------------------------------------------


@perm_required(p.GOVERNANCE_VIEW)
def oversight(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    recs = list(selectors.network_recommendations(user=user))
    chosen = None
    wanted = request.GET.get("recommendation", "")
    if wanted.isdigit():
        chosen = next((f for f in recs if f.pk == int(wanted)), None)
    if chosen is None and recs:
        chosen = recs[0]
    rows = selectors.oversight_rows(user=user, finding=chosen) if chosen else []
    positions: dict[int, list[Any]] = {}
    if chosen:
        for pos in chosen.positions.select_related("response__force").filter(
            response__in=selectors.responses_visible(user=user)
        ):
            positions.setdefault(pos.response.region_id, []).append(pos)
    for row in rows:
        row.positions = positions.get(row.region.pk, [])  # type: ignore[attr-defined]
    summary = {s.label: sum(1 for r in rows if r.tracking and r.tracking.progress == s) for s in ProgressStatus}
    return render(
        request,
        "governance/oversight.html",
        {
            "recs": recs,
            "chosen": chosen,
            "rows": rows,
            "summary": summary,
            "overdue": sum(1 for r in rows if r.overdue),
            "Position": Position,
        },
    )


# --- Accountable officers ---------------------------------------------------------------------


@perm_required(p.GOVERNANCE_VIEW)
@require_http_methods(["GET", "POST"])
def accountable(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    regions = selectors.regions_in_scope(user=user)
    may_manage = policy.has_perm(user, p.GOVERNANCE_MANAGE)
    form = None
    if may_manage:
        region_id = policy.scope_for(user).region_id
        form = AppointForm(
            request.POST if request.method == "POST" else None,
            regions=regions,
            trackings=selectors.trackings_visible(user=user),
            people=selectors.people_of_region(user=user, region_id=region_id) if region_id else User.objects.none(),
            initial={"region": region_id},
        )
    if request.method == "POST":
        policy.require(user, p.GOVERNANCE_MANAGE)
        assert form is not None
        if form.is_valid():
            try:
                services.accountable_appoint(actor=user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Appointment recorded.")
                return redirect("governance:accountable")
    region_filter = request.GET.get("region", "")
    rows = selectors.accountable_list(user=user, region=int(region_filter) if region_filter.isdigit() else None)
    return render(
        request,
        "governance/accountable.html",
        {"rows": rows, "form": form, "regions": regions, "Subject": AccountableSubject},
        status=400 if form is not None and form.errors else 200,
    )


# --- Counter-corruption measures -----------------------------------------------------------------


@perm_required(p.GOVERNANCE_VIEW)
@require_http_methods(["GET", "POST"])
def measures(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region_id = policy.scope_for(user).region_id
    may_manage = policy.has_perm(user, p.GOVERNANCE_MEASURES_MANAGE) and region_id is not None
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        people=selectors.people_of_region(user=user, region_id=region_id or 0),
    )
    if request.method == "POST":
        policy.require(user, p.GOVERNANCE_MEASURES_MANAGE)
        if region_id is None:
            raise PermissionDenied("The register is kept by a region; you have no home region.")
        if form.is_valid():
            try:
                services.measure_save(actor=user, region=Region.objects.get(pk=region_id), **form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Measure added to the register.")
                return redirect("governance:measures")
    region_filter = request.GET.get("region", "")
    rows = selectors.measures_list(user=user, region=int(region_filter) if region_filter.isdigit() else None)
    regions = list(selectors.regions_in_scope(user=user))
    compliance = [(r, selectors.vetting_compliance(region_id=r.pk)) for r in regions[:12]]
    return render(
        request,
        "governance/measures.html",
        {"rows": rows, "form": form if may_manage else None, "compliance": compliance, "regions": regions},
        status=400 if form.errors else 200,
    )


@perm_required(p.GOVERNANCE_VIEW)
@require_http_methods(["GET", "POST"])
def measure(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    m = selectors.measure_get(user=user, pk=pk)
    may_manage = policy.has_perm(user, p.GOVERNANCE_MEASURES_MANAGE) and services.in_scope(user, m.region_id)
    may_evidence = may_manage or m.owner_id == user.pk
    people = selectors.people_of_region(user=user, region_id=m.region_id)
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={
            "kind": m.kind,
            "title": m.title,
            "status": m.status,
            "owner": m.owner_id,
            "review_date": m.review_date,
            "notes": m.notes,
        },
    )
    evidence_form = EvidenceForm()
    if request.method == "POST":
        if request.POST.get("form") == "evidence":
            if not may_evidence:
                raise PermissionDenied("Only the measure's owner or the register's keepers add evidence.")
            evidence_form = EvidenceForm(request.POST, request.FILES)
            back = reverse("governance:measure", args=[m.pk])
            if not evidence_form.is_valid():
                return _form_error(request, evidence_form, back)
            d = evidence_form.cleaned_data
            return _act(
                request,
                back,
                lambda: services.evidence_add(
                    actor=user,
                    measure=m,
                    upload=d["file"],
                    description=d["description"],
                    shared=d["shared"],
                    personal_data=d["personal_data"],
                ),
                "Evidence added.",
            )
        policy.require(user, p.GOVERNANCE_MEASURES_MANAGE)
        if form.is_valid():
            try:
                services.measure_save(actor=user, region=m.region, measure=m, **form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Measure updated.")
                return redirect("governance:measure", pk=m.pk)
    return render(
        request,
        "governance/measure.html",
        {
            "m": m,
            "form": form if may_manage else None,
            "evidence_form": evidence_form if may_evidence else None,
            "evidence": selectors.evidence_visible(user=user).filter(measure=m),
            "compliance": selectors.vetting_compliance(region_id=m.region_id) if m.kind == "vetting" else None,
        },
        status=400 if form.errors else 200,
    )


# --- Good practice ------------------------------------------------------------------------------


@perm_required(p.GOVERNANCE_VIEW)
@require_http_methods(["GET", "POST"])
def practices(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    may_write = policy.has_perm(user, p.GOVERNANCE_PRACTICE_WRITE)
    form = PracticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        policy.require(user, p.GOVERNANCE_PRACTICE_WRITE)
        if form.is_valid():
            try:
                created = services.practice_create(actor=user, **form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Added to the good practice library.")
                return redirect("governance:practice", pk=created.pk)
    filters = PracticeFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.practices_list(
        user=user, q=data.get("q", ""), threat=data.get("threat", ""), capability=data.get("capability", "")
    )
    page = paginate(request, qs)
    regions = list(Region.objects.all()) if policy.scope_for(user).all_regions else []
    matrix = []
    if regions:
        for practice in page.object_list:
            adopted = {a.region_id: a for a in practice.adoptions.all()}
            matrix.append((practice, [(r, adopted.get(r.pk) or (practice.region_id == r.pk)) for r in regions]))
    return render(
        request,
        "governance/practices.html",
        {
            "page": page,
            "count": page.paginator.count,
            "filters": filters,
            "form": form if may_write else None,
            "matrix": matrix,
            "regions": regions,
        },
        status=400 if form.errors else 200,
    )


@perm_required(p.GOVERNANCE_VIEW)
@require_http_methods(["GET", "POST"])
def practice(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.practice_get(user=user, pk=pk)
    may_adopt = policy.has_perm(user, p.GOVERNANCE_MANAGE) and user.region_id is not None
    form = AdoptForm(request.POST if request.method == "POST" else None, initial={"adopted_on": timezone.localdate()})
    if request.method == "POST":
        policy.require(user, p.GOVERNANCE_MANAGE)
        if form.is_valid():
            try:
                services.practice_adopt(actor=user, practice=found, **form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Adoption recorded.")
                return redirect("governance:practice", pk=found.pk)
    adoptions = found.adoptions.select_related("region")
    already = adoptions.filter(region_id=user.region_id).exists() or found.region_id == user.region_id
    return render(
        request,
        "governance/practice.html",
        {"practice": found, "adoptions": adoptions, "form": form if may_adopt and not already else None},
        status=400 if form.errors else 200,
    )
