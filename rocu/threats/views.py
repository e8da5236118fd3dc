"""Pages for the threat picture, OCGs, assessments and the T&CG.

Views parse input, call one selector or service, and render; the rules live in the
services, the engines and the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rocu.accounts.models import NeedToKnowGroup, Region
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.charts import chart
from rocu.core.concurrency import EditConflict, rebased_form
from rocu.core.errors import ApplicationError, NotFound
from rocu.core.exports import csv_response, xlsx_response
from rocu.core.policy import Perm
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.engines import scoring
from rocu.intelligence.models import Nominal
from rocu.threats import permissions as P
from rocu.threats import selectors, services
from rocu.threats.forms import (
    SORT_CHOICES,
    ActionForm,
    ActionStatusForm,
    DecisionForm,
    ImportForm,
    LinkForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    OCGForm,
    ReviewForm,
    ScoreForm,
    ThreatFilterForm,
    ThreatForm,
)
from rocu.threats.models import (
    FLAG_DESCRIPTIONS,
    ActionStatus,
    AssessmentStatus,
    Flag,
    Level,
    SubjectKind,
    TaskingSubject,
    Threat,
)
from rocu.threats.scale import current_rule, current_scale

LEVEL_COLOURS = {Level.LOCAL: "#00703c", Level.REGIONAL: "#1d70b8", Level.NATIONAL: "#d4351c"}
EXPORT_HEADER = [
    "Reference",
    "Name",
    "Type",
    "Area",
    "Forces affected",
    "Harm",
    "Likelihood",
    "Risk",
    "Priority",
    "Confidence",
    "Assessed level",
    "Held by",
    "Priority adopted",
    "Flags",
    "Assessed on",
    "Scale version",
]


def _region(user: Any) -> Region:
    region = Region.objects.filter(pk=user.region_id).first()
    if region is None:
        raise NotFound("You have no home region.")
    return region


def _my_groups(user: Any) -> QuerySet[NeedToKnowGroup]:
    return NeedToKnowGroup.objects.filter(pk__in=policy.scope_for(user).group_ids)


def _filters(request: HttpRequest, user: Any) -> tuple[ThreatFilterForm, selectors.ThreatFilters]:
    form = ThreatFilterForm(request.GET, region_id=user.region_id)
    data = form.cleaned_data if form.is_valid() else {}
    force = data.get("force")
    return form, selectors.ThreatFilters(
        q=data.get("q", ""),
        force=force.pk if force else None,
        threat_type=data.get("threat_type", ""),
        level=data.get("level", ""),
        flag=data.get("flag", ""),
        sort=data.get("sort") or "priority",
    )


def _flag_text(threat: TaskingSubject) -> str:
    return "; ".join(label for _code, label in threat.flag_labels())


def _held_by_text(s: TaskingSubject) -> str:
    return f"{s.get_held_by_display()}{f' ({s.holding_force})' if s.holding_force_id else ''}"


def _export_row(t: Threat) -> list[Any]:
    return [
        t.reference,
        t.name,
        t.get_threat_type_display(),
        t.area,
        "; ".join(f.name for f in t.forces_affected.all()),
        t.harm,
        t.likelihood,
        t.risk,
        t.priority_score,
        t.get_confidence_display(),
        t.get_assessed_level_display(),
        _held_by_text(t),
        "yes" if t.is_priority else "no",
        _flag_text(t),
        t.assessed_on,
        t.scale_version,
    ]


@dataclass(frozen=True)
class _Point:
    pk: int
    reference: str
    name: str
    harm: float
    likelihood: int
    risk: float
    level: str


def _picture_chart(points: list[_Point]) -> dict[str, Any]:
    """Every assessed threat as a point; built from plain tuples because a region at
    scale has thousands of them and model instances, URL reversing and number
    localising per point would dominate the page's time."""
    fig = go.Figure()
    url = reverse("threats:threat", args=[0])[:-2] + "{}/"
    labels = dict(Level.choices)
    traces = []
    for level in Level:
        mine = [p for p in points if p.level == level.value]
        if not mine:
            continue
        traces.append(
            {
                "type": "scatter",
                "x": [p.harm for p in mine],
                # A small fixed offset per threat keeps points with the same likelihood apart.
                "y": [p.likelihood + ((p.pk * 37) % 21 - 10) / 60 for p in mine],
                "mode": "markers",
                "name": str(level.label),
                "marker": {"color": LEVEL_COLOURS[level], "size": 11, "line": {"width": 1, "color": "#0b0c0c"}},
                "text": [f"{p.reference} {p.name}<br>risk {p.risk}" for p in mine],
                "hovertemplate": "%{text}<extra></extra>",
                "customdata": [url.format(p.pk) for p in mine],
            }
        )
    fig.update_layout(
        xaxis={"title": {"text": "Harm (0–100)"}, "range": [-2, 102]},  # noqa: RUF001 - typographic dash in the UI
        yaxis={"title": {"text": "Likelihood (1–5)"}, "range": [0.5, 5.5], "dtick": 1},  # noqa: RUF001 - typographic dash in the UI
        legend={"title": {"text": "Assessed level"}},
        height=420,
    )
    return chart(
        fig,
        chart_id="threat-picture",
        title="Harm and likelihood of each assessed threat",
        table_header=["Reference", "Threat", "Harm", "Likelihood", "Risk", "Assessed level"],
        table_rows=[
            [p.reference, p.name, f"{p.harm:.1f}", str(p.likelihood), f"{p.risk:.1f}", str(labels.get(p.level, ""))]
            for p in points
        ],
        plain_traces=traces,
        definitions=[
            ("Harm", "Weighted sum of six harm dimensions (each 0–4), scaled to 0–100."),  # noqa: RUF001 - typographic dash in the UI
            ("Risk", "Harm × likelihood ÷ 5, from 0 to 100."),  # noqa: RUF001 - typographic dash in the UI
            ("Point", "Select a point to open the threat."),
        ],
    )


@perm_required(P.THREATS_VIEW)
def picture(request: HttpRequest) -> HttpResponse:
    """The threat picture: chart, ranked list with filters and sort, and exports."""
    user = signed_in_user(request)
    form, filters = _filters(request, user)
    qs = selectors.threats_list(user=user, filters=filters)
    export = request.GET.get("export", "")
    if export in ("csv", "xlsx"):
        rows = [_export_row(t) for t in qs]
        audit_record(
            actor=user,
            category=Category.DISCLOSURE,
            action="threats.threat.export",
            object_type="threats.threat",
            recipient=user.get_username(),
            detail={"format": export, "rows": len(rows), "filters": {k: v for k, v in vars(filters).items() if v}},
        )
        stamp = timezone.localdate().isoformat()
        if export == "csv":
            return csv_response(f"threat-picture-{stamp}.csv", EXPORT_HEADER, rows)
        notes = [(str(Flag(c).label), d) for c, d in FLAG_DESCRIPTIONS.items()]
        return xlsx_response(f"threat-picture-{stamp}.xlsx", EXPORT_HEADER, rows, sheet="Threat picture", notes=notes)
    page = paginate(request, qs)
    points = [
        _Point(pk, ref, name, float(harm or 0), int(likelihood or 0), float(risk or 0), level)
        for pk, ref, name, harm, likelihood, risk, level in qs.select_related(None)
        .prefetch_related(None)
        .filter(harm__isnull=False, likelihood__isnull=False, risk__isnull=False)
        .values_list("pk", "reference", "name", "harm", "likelihood", "risk", "assessed_level")
    ]
    return render(
        request,
        "threats/picture.html",
        {
            "form": form,
            "page": page,
            "count": page.paginator.count,
            "chart": _picture_chart(points),
            "sort_choices": SORT_CHOICES,
            "can_manage": policy.has_perm(user, P.THREATS_MANAGE),
            "flag_descriptions": [(Flag(c).label, d) for c, d in FLAG_DESCRIPTIONS.items()],
        },
    )


@perm_required(P.THREATS_VIEW)
def mismatches(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = paginate(request, selectors.mismatches(user=user), default_size=50)
    by_flag: dict[str, list[TaskingSubject]] = {c: [] for c in Flag.values}
    for subject in page:
        for code in subject.flags():
            by_flag[code].append(subject)
    groups = [(Flag(c).label, FLAG_DESCRIPTIONS[c], by_flag[c]) for c in Flag.values]
    return render(
        request,
        "threats/mismatches.html",
        {"page": page, "count": page.paginator.count, "groups": groups},
    )


def _subject_context(user: Any, subject: TaskingSubject) -> dict[str, Any]:
    assessments = selectors.assessments_of(user=user, subject=subject)
    return {
        "subject": subject,
        "assessments": assessments,
        "forces": list(subject.forces_affected.order_by("name")),
        "flags": [(Flag(c).label, FLAG_DESCRIPTIONS[c]) for c in subject.flags()],
        "can_manage": policy.has_perm(user, P.THREATS_MANAGE),
        "can_score": policy.has_perm(user, P.THREATS_SCORE),
        "dimensions": current_scale().dimensions,
        "decisions": list(
            policy.restrict(user, subject.decisions.all(), P.TASKING_VIEW)
            .select_related("meeting", "owner")
            .order_by("-recorded_at")
        ),
    }


@perm_required(P.THREATS_VIEW)
def threat(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.threat_get(user=user, pk=pk)
    return render(request, "threats/threat.html", _subject_context(user, found))


@dataclass
class _Saved:
    response: HttpResponse | None
    form: Any
    conflict: EditConflict | None = None


def _subject_form_save(request: HttpRequest, user: Any, form: Any, *, kind: str, existing: Any = None) -> _Saved:
    """Create or change a threat/OCG from its form.

    A stale edit comes back as the same form re-drawn on the stored version, with the
    conflict (both versions) to show; saving that form again is a deliberate overwrite.
    """
    if request.method != "POST" or not form.is_valid():
        return _Saved(None, form)
    data = dict(form.cleaned_data)
    forces = list(data.pop("forces_affected"))
    version = data.pop("row_version", None)
    if data.get("owner") is None:
        data["owner"] = existing.owner if existing is not None else user
    saved: Any
    try:
        if kind == SubjectKind.THREAT:
            if existing is None:
                saved = services.threat_create(actor=user, region=_region(user), forces_affected=forces, **data)
            else:
                saved = services.threat_update(
                    actor=user, threat=existing, expected_version=version, forces_affected=forces, **data
                )
        elif existing is None:
            saved = services.ocg_create(actor=user, region=_region(user), forces_affected=forces, **data)
        else:
            saved = services.ocg_update(
                actor=user, ocg=existing, expected_version=version, forces_affected=forces, **data
            )
    except EditConflict as exc:
        rebased = rebased_form(form, exc, region_id=existing.region_id, groups=_my_groups(user))
        return _Saved(None, rebased, exc)
    except ApplicationError as exc:
        apply_service_error(form, exc)
        return _Saved(None, form)
    messages.success(request, f"{saved.reference} saved.")
    return _Saved(redirect(saved.get_absolute_url()), form)


@perm_required(P.THREATS_MANAGE)
@require_http_methods(["GET", "POST"])
def threat_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ThreatForm(request.POST or None, region_id=user.region_id, groups=_my_groups(user), versioned=False)
    done = _subject_form_save(request, user, form, kind=SubjectKind.THREAT)
    return done.response or render(
        request, "threats/subject_form.html", {"form": done.form, "title": "Record a threat"}
    )


def _initial(subject: TaskingSubject, extra: tuple[str, ...]) -> dict[str, Any]:
    names = (*services.SUBJECT_FIELDS, *extra)
    initial = {f: getattr(subject, f) for f in names}
    initial["forces_affected"] = list(subject.forces_affected.all())
    initial["row_version"] = subject.row_version
    return initial


def _edit_page(request: HttpRequest, found: TaskingSubject, done: _Saved) -> HttpResponse:
    return done.response or render(
        request,
        "threats/subject_form.html",
        {"form": done.form, "title": f"Change {found.reference}", "subject": found, "conflict": done.conflict},
    )


@perm_required(P.THREATS_MANAGE)
@require_http_methods(["GET", "POST"])
def threat_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.threat_get(user=user, pk=pk)
    form = ThreatForm(
        request.POST or None,
        initial=_initial(found, ("threat_type",)),
        region_id=found.region_id,
        groups=_my_groups(user),
    )
    return _edit_page(request, found, _subject_form_save(request, user, form, kind=SubjectKind.THREAT, existing=found))


@perm_required(P.THREATS_SCORE)
@require_http_methods(["GET", "POST"])
def subject_score(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    subject = selectors.subject_get(user=user, pk=pk)
    scale = current_scale()
    last = subject.assessments.order_by("-version").first()
    initial: dict[str, Any] = {"row_version": last.version if last else 0}
    if last is not None:
        initial |= {
            **last.harm_inputs,
            "likelihood": last.likelihood,
            "confidence": last.confidence,
            "organisational_position": last.organisational_position,
            "opportunity": last.opportunity,
        }
    form: Any = ScoreForm(request.POST or None, scale=scale, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        score_request = services.ScoreRequest(
            harm={k: data[k] for k in scale.dimension_keys},
            likelihood=data["likelihood"],
            confidence=data["confidence"],
            organisational_position=data["organisational_position"],
            opportunity=data["opportunity"],
            rationale=data["rationale"],
        )
        try:
            assessment = services.assessment_create(
                actor=user, subject=subject, request=score_request, scored_from=data["row_version"]
            )
        except EditConflict as exc:
            conflict = exc
            form = rebased_form(form, exc, scale=scale)
            last = subject.assessments.order_by("-version").first()
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                f"Version {assessment.version} recorded: risk {assessment.risk}. Another analyst must review it.",
            )
            return redirect("threats:assessment", pk=assessment.pk)
    return render(
        request,
        "threats/score.html",
        {
            "form": form,
            "subject": subject,
            "scale": scale,
            "rule": current_rule(),
            "last": last,
            "conflict": conflict,
        },
    )


@perm_required(P.THREATS_VIEW)
def assessments(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    status = request.GET.get("status", AssessmentStatus.AWAITING_REVIEW)
    if status not in AssessmentStatus.values and status != "all":
        status = AssessmentStatus.AWAITING_REVIEW
    qs = selectors.assessments_list(user=user, status="" if status == "all" else status)
    page = paginate(request, qs)
    return render(
        request,
        "threats/assessments.html",
        {"page": page, "count": page.paginator.count, "status": status, "statuses": AssessmentStatus.choices},
    )


@perm_required(P.THREATS_VIEW)
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.assessment_get(user=user, pk=pk)
    previous = (
        policy.restrict(user, found.subject.assessments.filter(version__lt=found.version), P.THREATS_VIEW)
        .order_by("-version")
        .first()
    )
    form = ReviewForm(request.POST or None)
    conflict = None
    if request.method == "POST":
        policy.require(user, P.THREATS_REVIEW)
        if form.is_valid():
            try:
                services.assessment_review(
                    actor=user,
                    assessment=found,
                    approve=form.cleaned_data["outcome"] == "approve",
                    comment=form.cleaned_data["comment"],
                )
            except EditConflict as exc:
                conflict = exc
                found = selectors.assessment_get(user=user, pk=pk)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, f"Version {found.version} reviewed.")
                return redirect("threats:assessment", pk=found.pk)
    after = found.comparable()
    before = previous.comparable() if previous else None
    changed = {c.field for c in scoring.changes(before, after)} if before else set()
    rows = [(label, before.get(label) if before else None, value, label in changed) for label, value in after.items()]
    return render(
        request,
        "threats/assessment.html",
        {
            "assessment": found,
            "previous": previous,
            "rows": rows,
            "form": form,
            "can_review": (
                policy.has_perm(user, P.THREATS_REVIEW)
                and found.status == AssessmentStatus.AWAITING_REVIEW
                and found.scored_by_id != user.pk
            ),
            "own": found.scored_by_id == user.pk,
            "conflict": conflict,
        },
    )


# --- OCGs ---------------------------------------------------------------------------------


@perm_required(P.THREATS_VIEW)
def ocgs(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    q = request.GET.get("q", "")[:100]
    flag = request.GET.get("flag", "")
    qs = selectors.ocgs_list(user=user, q=q, flag=flag if flag in Flag.values else "")
    page = paginate(request, qs)
    return render(
        request,
        "threats/ocgs.html",
        {
            "page": page,
            "count": page.paginator.count,
            "q": q,
            "flag": flag,
            "flags": Flag.choices,
            "can_manage": policy.has_perm(user, P.THREATS_MANAGE),
        },
    )


@perm_required(P.THREATS_VIEW)
def ocg(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.ocg_get(user=user, pk=pk)
    context = _subject_context(user, found)
    context.update(
        {
            "members": selectors.ocg_members(user=user, ocg=found),
            "sees_people": policy.has_perm(user, Perm.PERSONAL_DATA_VIEW),
            "linked": list(selectors.ocgs_list(user=user).filter(pk__in=found.linked_ocgs.values("pk"))),
            "member_form": MemberForm(),
            "link_form": LinkForm(),
        }
    )
    return render(request, "threats/ocg.html", context)


@perm_required(P.THREATS_MANAGE)
@require_http_methods(["GET", "POST"])
def ocg_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = OCGForm(request.POST or None, region_id=user.region_id, groups=_my_groups(user), versioned=False)
    done = _subject_form_save(request, user, form, kind=SubjectKind.OCG)
    return done.response or render(
        request, "threats/subject_form.html", {"form": done.form, "title": "Record an organised crime group"}
    )


@perm_required(P.THREATS_MANAGE)
@require_http_methods(["GET", "POST"])
def ocg_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.ocg_get(user=user, pk=pk)
    form = OCGForm(
        request.POST or None,
        initial=_initial(found, ("threat_types", "status")),
        region_id=found.region_id,
        groups=_my_groups(user),
    )
    return _edit_page(request, found, _subject_form_save(request, user, form, kind=SubjectKind.OCG, existing=found))


@perm_required(P.THREATS_MANAGE)
@require_POST
def ocg_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.ocg_get(user=user, pk=pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        nominal = Nominal.objects.filter(reference__iexact=form.cleaned_data["nominal"].strip()).first()
        try:
            if nominal is None:
                raise ApplicationError("No person record has that reference.", field="nominal")
            services.ocg_member_add(actor=user, ocg=found, nominal=nominal, role=form.cleaned_data["role"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{nominal.reference} added to {found.reference}.")
    else:
        messages.error(request, "Enter a person record reference and a role.")
    return redirect("threats:ocg", pk=found.pk)


@perm_required(P.THREATS_MANAGE)
@require_POST
def ocg_member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.ocg_get(user=user, pk=pk)
    membership = selectors.membership_get(user=user, ocg=found, pk=member_pk)
    try:
        services.ocg_member_remove(actor=user, membership=membership)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Member removed.")
    return redirect("threats:ocg", pk=found.pk)


@perm_required(P.THREATS_MANAGE)
@require_POST
def ocg_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.ocg_get(user=user, pk=pk)
    form = LinkForm(request.POST)
    other = None
    if form.is_valid():
        other = selectors.ocgs_list(user=user).filter(reference__iexact=form.cleaned_data["other"].strip()).first()
    if other is None:
        messages.error(request, "No OCG you can see has that reference.")
    else:
        try:
            services.ocg_link(actor=user, ocg=found, other=other, linked=request.POST.get("unlink") != "1")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Links saved.")
    return redirect("threats:ocg", pk=found.pk)


# --- Import and aggregates -------------------------------------------------------------


@perm_required(P.THREATS_MANAGE)
@require_http_methods(["GET", "POST"])
def threats_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_IMPORT_BYTES:
                raise ApplicationError("The file is larger than 2 MB; split it.", field="file")
            report = services.threats_import(
                actor=user,
                region=_region(user),
                content=upload.read(),
                import_valid_rows=form.cleaned_data["import_valid_rows"],
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            if report.imported:
                messages.success(request, f"Imported {len(report.imported)} threats.")
    return render(
        request,
        "threats/import.html",
        {"form": form, "report": report, "columns": services.IMPORT_COLUMNS},
    )


@perm_required(P.THREATS_AGGREGATE)
def aggregates(request: HttpRequest) -> HttpResponse:
    found = selectors.aggregates(user=signed_in_user(request))
    return render(request, "threats/aggregates.html", {"agg": found})


# --- T&CG ----------------------------------------------------------------------------------


@perm_required(P.TASKING_VIEW)
def meetings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = paginate(request, selectors.meetings_list(user=user))
    return render(
        request,
        "threats/meetings.html",
        {"page": page, "count": page.paginator.count, "can_run": policy.has_perm(user, P.TASKING_RUN)},
    )


@perm_required(P.TASKING_RUN)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = MeetingForm(request.POST or None, region_id=user.region_id)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.meeting_create(actor=user, region=_region(user), **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Meeting created; its agenda pack is built from the data.")
            return redirect("threats:meeting", pk=created.pk)
    return render(request, "threats/meeting_form.html", {"form": form})


def _meeting_context(user: Any, found: Any) -> dict[str, Any]:
    return {
        "meeting": found,
        "pack": selectors.agenda_pack(user=user, meeting=found),
        "actions": selectors.actions_of(user=user, meeting=found),
        "members": list(found.members.order_by("last_name")),
        "flag_descriptions": [(Flag(c).label, d) for c, d in FLAG_DESCRIPTIONS.items()],
        "generated_at": timezone.now(),
    }


@perm_required(P.TASKING_VIEW)
@require_http_methods(["GET", "POST"])
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.meeting_get(user=user, pk=pk)
    minutes_form = MinutesForm(
        request.POST or None, initial={"minutes": found.minutes, "status": found.status}, prefix="minutes"
    )
    action_form = ActionForm(prefix="action", region_id=found.region_id)
    if request.method == "POST":
        policy.require(user, P.TASKING_RUN)
        if minutes_form.is_valid():
            try:
                services.meeting_update(actor=user, meeting=found, **minutes_form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(minutes_form, exc)
            else:
                messages.success(request, "Minutes saved.")
                return redirect("threats:meeting", pk=found.pk)
    context = _meeting_context(user, found)
    context.update(
        {
            "minutes_form": minutes_form,
            "action_form": action_form,
            "can_run": policy.has_perm(user, P.TASKING_RUN),
            "can_decide": policy.has_perm(user, P.TASKING_DECIDE),
            "action_statuses": ActionStatus.choices,
        }
    )
    return render(request, "threats/meeting.html", context)


@perm_required(P.TASKING_VIEW)
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    user = signed_in_user(request)
    found = selectors.meeting_get(user=user, pk=pk)
    html = render_to_string("threats/agenda_pdf.html", _meeting_context(user, found), request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit_record(
        actor=user,
        category=Category.DISCLOSURE,
        action="threats.meeting.agenda_pdf",
        obj=found,
        region_id=found.region_id,
        recipient=user.get_username(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tcg-agenda-{found.held_on:%Y-%m-%d}.pdf"'
    return response


@perm_required(P.TASKING_DECIDE)
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.meeting_get(user=user, pk=pk)
    initial = {"subject": request.GET.get("subject", "")[:20]}
    form = DecisionForm(request.POST or None, initial=initial, region_id=found.region_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = selectors.subjects_visible(user=user).filter(reference__iexact=data["subject"].strip()).first()
        try:
            if subject is None:
                raise ApplicationError("No threat or OCG you can see has that reference.", field="subject")
            services.decision_record(
                actor=user,
                meeting=found,
                subject=subject,
                request=services.DecisionRequest(
                    kind=data["kind"],
                    rationale=data["rationale"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    new_level=data["new_level"],
                    capability=data["capability"],
                    lro=data["lro"],
                ),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Decision on {subject.reference} recorded.")
            return redirect("threats:meeting", pk=found.pk)
    return render(request, "threats/decision_form.html", {"form": form, "meeting": found})


@perm_required(P.TASKING_RUN)
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.meeting_get(user=user, pk=pk)
    form = ActionForm(request.POST, prefix="action", region_id=found.region_id)
    if form.is_valid():
        try:
            services.action_create(actor=user, meeting=found, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Action added.")
    else:
        messages.error(request, "Give the action a description, an owner and a due date.")
    return redirect("threats:meeting", pk=found.pk)


@perm_required(P.TASKING_VIEW)
@require_POST
def action_status(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.meeting_get(user=user, pk=pk)
    action = selectors.action_get(user=user, meeting=found, pk=action_pk)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status.")
    else:
        try:
            services.action_set_status(actor=user, action=action, status=form.cleaned_data["status"])
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, "Action updated.")
    return redirect("threats:meeting", pk=found.pk)
