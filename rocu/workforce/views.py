"""Workforce and funding pages: aggregates for the region (and the network), the cliff
edge, the timeline, scenarios; posts, funding lines and imports for the ROCU head."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from rocu.accounts.models import Region, Unit
from rocu.audit.models import Category
from rocu.audit.services import audit_record
from rocu.core import policy
from rocu.core.charts import PALETTE, chart
from rocu.core.errors import ApplicationError, NotFound, ValidationFailed
from rocu.core.exports import csv_response
from rocu.core.web import apply_service_error, paginate, perm_required, signed_in_user
from rocu.engines import funding
from rocu.workforce import selectors, services
from rocu.workforce.format import fte, money, money_exact, percent
from rocu.workforce.forms import (
    AllocationForm,
    CapabilityMinimumForm,
    FundingLineForm,
    ImportForm,
    PostFilterForm,
    PostForm,
    ScenarioForm,
    pounds_to_pence,
)
from rocu.workforce.models import FundingSource, ImportStatus, Post
from rocu.workforce.permissions import (
    SCENARIOS_MANAGE,
    WORKFORCE_COMPARE,
    WORKFORCE_MANAGE,
    WORKFORCE_POSTS_VIEW,
    WORKFORCE_VIEW,
)
from rocu.workforce.selectors import capability_label

MAX_COMPARED = 4


def _region(request: HttpRequest) -> Region:
    code = request.GET.get("region", "")
    if len(code) > 40:
        raise NotFound()
    return selectors.region_choose(user=signed_in_user(request), code=code)


def _common(request: HttpRequest, region: Region) -> dict[str, Any]:
    user = signed_in_user(request)
    return {
        "region": region,
        "regions": selectors.regions_for(user=user) if policy.scope_for(user).all_regions else None,
        "can_manage": policy.has_perm(user, WORKFORCE_MANAGE),
        "can_see_posts": policy.has_perm(user, WORKFORCE_POSTS_VIEW),
        "can_compare": policy.has_perm(user, WORKFORCE_COMPARE),
        "can_scenario": policy.has_perm(user, SCENARIOS_MANAGE),
    }


def _capability_rows(now: funding.Position, later: funding.Position) -> list[dict[str, Any]]:
    rows = []
    for key, pos in sorted(now.capabilities.items(), key=lambda kv: capability_label(kv[0][1])):
        nxt = later.capabilities.get(key)
        rows.append(
            {
                "code": key[1],
                "label": capability_label(key[1]),
                "minimum": fte(pos.minimum_fte),
                "funded": fte(pos.funded_fte),
                "staffed": fte(pos.staffed_fte),
                "vacant": fte(pos.vacant_fte),
                "seconded": fte(pos.seconded_out_fte),
                "vacancy_rate": percent(pos.vacancy_rate),
                "cost": money(pos.annual_cost_pence),
                "below_now": pos.below_minimum and pos.minimum_fte > 0,
                "staffed_later": fte(nxt.staffed_fte) if nxt else "—",
                "below_later": bool(nxt and nxt.below_minimum and nxt.minimum_fte > 0),
                "shortfall_later": fte(nxt.shortfall_fte) if nxt else "0",
            }
        )
    return rows


# --- Aggregates --------------------------------------------------------------------------


@perm_required(WORKFORCE_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    picture = selectors.region_picture(user=signed_in_user(request), region=region)
    year = picture.this_year
    sources = dict(FundingSource.choices)
    money_rows = []
    for code, label in sources.items():
        this = picture.allocations.get(year, {}).get(code, [0, 0])
        nxt = picture.allocations.get(year + 1, {}).get(code, [0, 0])
        if any(this) or any(nxt):
            money_rows.append([label, money(this[0]), money(this[1]), money(nxt[0]), money(nxt[1])])
    fig = go.Figure()
    for i, (status, idx) in enumerate((("Confirmed", 0), ("Indicative", 1))):
        years = sorted(picture.allocations)
        fig.add_bar(
            name=status,
            x=[funding.fy_label(y) for y in years],
            y=[sum(v[idx] for v in picture.allocations[y].values()) / 100 for y in years],
            marker_color=PALETTE[i * 3],
        )
    fig.update_layout(barmode="stack", yaxis_title="£", legend_title="Funding", height=380)
    money_chart = chart(
        fig,
        chart_id="funding-by-year",
        title=f"{region.name}: funding by financial year, confirmed and indicative",
        table_header=["Financial year", "Confirmed", "Indicative"],
        table_rows=[
            [
                funding.fy_label(y),
                money(sum(v[0] for v in picture.allocations[y].values())),
                money(sum(v[1] for v in picture.allocations[y].values())),
            ]
            for y in sorted(picture.allocations)
        ],
    )
    spend_sources = [s for s in sources if s in picture.spend]
    capability_codes = sorted({c for per in picture.spend.values() for c in per}, key=capability_label)
    spend_rows = [
        [capability_label(c), *[money(picture.spend[s].get(c, 0)) for s in spend_sources]] for c in capability_codes
    ]
    context = _common(request, region) | {
        "picture": picture,
        "next_year_start": funding.fy_start(year + 1),
        "year_label": funding.fy_label(year),
        "next_label": funding.fy_label(year + 1),
        "horizon": funding.fy_end(year + 1),
        "vacancy_rate": percent(picture.vacancy_rate),
        "funded_fte": fte(picture.now.funded_fte),
        "staffed_fte": fte(picture.now.staffed_fte),
        "annual_cost": money(picture.now.annual_cost_pence),
        "at_risk": money(picture.at_risk_cost_pence),
        "indicative_next": money(picture.indicative_next_year_pence),
        "gaps": len(picture.gaps),
        "capabilities": _capability_rows(picture.now, picture.year_end),
        "money_rows": money_rows,
        "money_chart": money_chart,
        "spend_header": ["Capability", *[sources[s] for s in spend_sources]],
        "spend_rows": spend_rows,
    }
    return render(request, "workforce/overview.html", context)


def _cliff_rows(picture: selectors.RegionPicture) -> list[dict[str, Any]]:
    ends = funding.effective_ends(picture.holdings.lines)
    rows = []
    for year in picture.cliff:
        after = funding.position(
            picture.holdings.posts, picture.holdings.capabilities, ends, funding.fy_start(year.year + 1)
        )
        below = [c for c in after.below_minimum if c.minimum_fte]
        rows.append(
            {
                "year": year,
                "fte": fte(year.fte_lost),
                "cost": money(year.cost_lost_pence),
                "after": funding.fy_start(year.year + 1),
                "below": [capability_label(c.code) for c in below],
                "caps": sorted(
                    ((capability_label(c), v[0], fte(v[1]), money(v[2])) for c, v in year.by_capability.items()),
                    key=lambda r: r[0],
                ),
            }
        )
    return rows


@perm_required(WORKFORCE_VIEW)
def cliff_edge(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    picture = selectors.region_picture(user=signed_in_user(request), region=region)
    codes = sorted({c for y in picture.cliff for c in y.by_capability}, key=capability_label)
    fig = go.Figure()
    for i, code in enumerate(codes):
        fig.add_bar(
            name=capability_label(code),
            x=[y.label for y in picture.cliff],
            y=[y.by_capability.get(code, [0, 0, 0])[2] / 100 for y in picture.cliff],
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate="%{x}: £%{y:,.0f} a year<extra>" + capability_label(code) + "</extra>",
        )
    fig.update_layout(
        barmode="stack", yaxis_title="Annual cost losing funding (£)", legend_title="Capability", height=420
    )
    cliff_chart = chart(
        fig,
        chart_id="cliff-edge",
        title=f"{region.name}: posts whose funding ends, by financial year",
        table_header=["Financial year", "Posts", "FTE", "Annual cost", "Contracts ending"],
        table_rows=[
            [y.label, y.posts_lost, fte(y.fte_lost), money(y.cost_lost_pence), y.contracts_ending]
            for y in picture.cliff
        ],
        definitions=[
            ("Posts", "Posts whose funding line's last funded day falls in the financial year."),
            ("Contracts ending", "Filled posts whose holder's contract ends in the year while the post is funded."),
            ("Rules", funding.RULES_VERSION),
        ],
    )
    context = _common(request, region) | {"rows": _cliff_rows(picture), "cliff_chart": cliff_chart}
    return render(request, "workforce/cliff_edge.html", context)


@perm_required(WORKFORCE_VIEW)
def cliff_edge_export(request: HttpRequest) -> HttpResponse:
    """The cliff edge as CSV: totals only, recorded as a disclosure."""
    user = signed_in_user(request)
    region = _region(request)
    picture = selectors.region_picture(user=user, region=region)
    rows = []
    for year in picture.cliff:
        for code, (posts, fte_lost, cost) in sorted(year.by_capability.items()):
            rows.append([year.label, capability_label(code), posts, fte_lost / 100, cost / 100])
    audit_record(
        actor=user,
        category=Category.DISCLOSURE,
        action="workforce.cliff_edge.export",
        object_type="accounts.region",
        object_id=str(region.pk),
        region_id=region.pk,
        recipient=user.get_username(),
        detail={"rows": len(rows), "format": "csv"},
    )
    return csv_response(
        f"cliff-edge-{region.code}.csv",
        ["financial_year", "capability", "posts_losing_funding", "fte", "annual_cost_pounds"],
        rows,
    )


@perm_required(WORKFORCE_VIEW)
def timeline(request: HttpRequest) -> HttpResponse:
    """Funding lines as bars from start to end, and contract ends counted by month."""
    user = signed_in_user(request)
    region = _region(request)
    holdings = selectors.holdings_for(user=user, region=region)
    today = timezone.localdate()
    horizon = funding.fy_end(funding.financial_year(today) + 4)
    lines = list(selectors.funding_lines_list(user=user, region=region, sort="end"))
    fig = go.Figure()
    names, bases, lengths, colours, links, texts = [], [], [], [], [], []
    for line in lines:
        start = line.start_date or today
        end = line.end_date or horizon
        names.append(line.name)
        bases.append(start.isoformat())
        lengths.append((end - start).days * 86_400_000)
        colours.append(PALETTE[1] if line.end_date else PALETTE[2])
        links.append(reverse("workforce:funding-line", args=[line.pk]))
        texts.append(f"ends {line.end_date:%-d %b %Y}" if line.end_date else "no end date recorded")
    fig.add_bar(
        name="Funding lines",
        y=names,
        base=bases,
        x=lengths,
        orientation="h",
        marker_color=colours,
        customdata=links,
        text=texts,
        textposition="inside",
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    months: dict[dt.date, int] = {}
    for post in holdings.posts:
        if post.status == funding.FILLED and post.contract_end and today <= post.contract_end <= horizon:
            month = post.contract_end.replace(day=1)
            months[month] = months.get(month, 0) + 1
    ordered = sorted(months)
    fig.add_scatter(
        name="Contracts ending (posts a month)",
        x=[m.isoformat() for m in ordered],
        y=["Contracts ending"] * len(ordered),
        mode="markers",
        marker={"size": [min(40, 6 + 2 * months[m]) for m in ordered], "color": PALETTE[0]},
        text=[f"{months[m]} contracts end in {m:%B %Y}" for m in ordered],
        hovertemplate="%{text}<extra></extra>",
    )
    fig.add_vline(x=today.isoformat(), line_dash="dot", line_color="#505a5f")
    fig.update_layout(
        xaxis={"type": "date", "range": [(today - dt.timedelta(days=365)).isoformat(), horizon.isoformat()]},
        yaxis={"automargin": True},
        height=140 + 44 * (len(lines) + 1),
        showlegend=False,
        margin={"l": 20},
    )
    timeline_chart = chart(
        fig,
        chart_id="timeline",
        title=f"{region.name}: funding lines and contract end dates",
        table_header=["Funding line or month", "From", "Until", "Contracts ending"],
        table_rows=[[line.name, line.start_date or "—", line.end_date or "no end date", ""] for line in lines]
        + [[f"{m:%B %Y}", "", "", months[m]] for m in ordered],
        definitions=[("Contracts ending", "Filled posts whose holder's contract ends that month (totals only).")],
    )
    return render(request, "workforce/timeline.html", _common(request, region) | {"timeline_chart": timeline_chart})


@perm_required(WORKFORCE_COMPARE)
def compare_regions(request: HttpRequest) -> HttpResponse:
    rows = selectors.regions_compared(user=signed_in_user(request))
    fig = go.Figure()
    fig.add_bar(
        name="Annual cost of posts whose funding ends by next year's end",
        x=[r.region.name for r in rows],
        y=[r.at_risk_cost_pence / 100 for r in rows],
        marker_color=PALETTE[1],
    )
    fig.add_bar(
        name="Annual cost of funded posts",
        x=[r.region.name for r in rows],
        y=[r.annual_cost_pence / 100 for r in rows],
        marker_color=PALETTE[0],
    )
    fig.update_layout(barmode="group", yaxis_title="£ a year", legend={"orientation": "h", "y": -0.35}, height=460)
    table = [
        [
            r.region.name,
            f"{r.posts} ({fte(r.funded_fte)} FTE)",
            percent(r.vacancy_rate),
            money(r.annual_cost_pence),
            money(r.at_risk_cost_pence),
            f"{r.below_minimum_now} now, {r.below_minimum_next_year} next April",
            f"{money(r.funding_this_year_pence)} ({percent(r.confirmed_share)} confirmed)",
        ]
        for r in rows
    ]
    compare_chart = chart(
        fig,
        chart_id="regions",
        title="Funding at risk across the ROCU network",
        table_header=[
            "Region",
            "Funded posts",
            "Vacancy rate",
            "Annual cost",
            "At risk",
            "Capabilities below minimum",
            "Funding this year",
        ],
        table_rows=table,
    )
    user = signed_in_user(request)
    return render(
        request,
        "workforce/compare.html",
        {"rows": table, "compare_chart": compare_chart, "own_region_id": policy.scope_for(user).region_id},
    )


@perm_required(WORKFORCE_VIEW)
@require_http_methods(["GET", "POST"])
def capabilities(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = _region(request)
    if request.method == "POST":
        policy.require(user, WORKFORCE_MANAGE)
        form = CapabilityMinimumForm(request.POST)
        if form.is_valid():
            try:
                found = selectors.capability_get(user=user, pk=form.cleaned_data["capability"])
                services.capability_set_minimum(
                    actor=user, capability=found, minimum_fte=form.cleaned_data["minimum_fte"]
                )
            except NotFound:
                raise
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"Minimum for {found} set to {found.minimum_fte} FTE.")
                return redirect("workforce:capabilities")
        else:
            messages.error(request, "Enter a minimum of 0 or more full-time equivalents.")
    picture = selectors.region_picture(user=user, region=region)
    caps = {c.code: c for c in selectors.capabilities_list(user=user, region=region)}
    rows = _capability_rows(picture.now, picture.year_end)
    for row in rows:
        row["id"] = caps[row["code"]].pk if row["code"] in caps else None
        row["minimum_raw"] = caps[row["code"]].minimum_fte if row["code"] in caps else 0
    context = _common(request, region) | {
        "rows": rows,
        "next_year_start": funding.fy_start(picture.this_year + 1),
    }
    return render(request, "workforce/capabilities.html", context)


# --- Funding lines ------------------------------------------------------------------------


@perm_required(WORKFORCE_VIEW)
@require_http_methods(["GET", "POST"])
def funding_lines(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = _region(request)
    form = FundingLineForm(request.POST or None)
    if request.method == "POST":
        policy.require(user, WORKFORCE_MANAGE)
        if form.is_valid():
            try:
                line = services.funding_line_create(actor=user, region=region, **form.cleaned_data)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, f"Funding line {line.name} added.")
                return redirect("workforce:funding-line", pk=line.pk)
    source = request.GET.get("source", "")
    if source not in FundingSource.values:
        source = ""
    lines = selectors.funding_lines_list(user=user, region=region, source=source, sort=request.GET.get("sort", "name"))
    this_year = funding.financial_year(timezone.localdate())
    rows = []
    for line in lines:
        allocations = {a.financial_year: a for a in line.allocations.all()}
        now, nxt = allocations.get(this_year), allocations.get(this_year + 1)
        rows.append(
            {
                "line": line,
                "this_year": money(now.amount_pence) if now else "—",
                "this_confirmed": bool(now and now.confirmed),
                "next_year": money(nxt.amount_pence) if nxt else "—",
                "next_confirmed": bool(nxt and nxt.confirmed),
            }
        )
    context = _common(request, region) | {
        "rows": rows,
        "form": form,
        "sources": FundingSource.choices,
        "source": source,
        "this_label": funding.fy_label(this_year),
        "next_label": funding.fy_label(this_year + 1),
    }
    return render(request, "workforce/funding_lines.html", context)


@perm_required(WORKFORCE_VIEW)
@require_http_methods(["GET", "POST"])
def funding_line(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    line = selectors.funding_line_get(user=user, pk=pk)
    this_year = funding.financial_year(timezone.localdate())
    form = AllocationForm(request.POST or None, this_year=this_year)
    if request.method == "POST":
        policy.require(user, WORKFORCE_MANAGE)
        if form.is_valid():
            try:
                services.allocation_set(
                    actor=user,
                    line=line,
                    financial_year=form.cleaned_data["financial_year"],
                    amount_pence=pounds_to_pence(form.cleaned_data["amount"]),
                    confirmed=form.cleaned_data["confirmed"],
                )
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Allocation saved.")
                return redirect("workforce:funding-line", pk=line.pk)
    holdings = selectors.holdings_for(user=user, region=line.region)
    funded = [p for p in holdings.posts if p.funding_line_id == line.pk]
    totals = funding.totals_by(funded, "capability")
    by_capability = sorted((capability_label(c), v[0], fte(v[1]), money(v[2])) for c, v in totals.items())
    ends = funding.effective_ends(holdings.lines)
    gaps = funding.funding_before_contract(funded, ends)
    context = _common(request, line.region) | {
        "line": line,
        "allocations": [(a, money_exact(a.amount_pence)) for a in line.allocations.all()],
        "form": form,
        "by_capability": by_capability,
        "posts": len(funded),
        "cost": money(sum(p.annual_cost_pence for p in funded)),
        "gaps": len(gaps),
    }
    return render(request, "workforce/funding_line.html", context)


# --- Posts (personal data) --------------------------------------------------------------------


@perm_required(WORKFORCE_POSTS_VIEW)
def posts(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = _region(request)
    filters = PostFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.posts_list(
        user=user,
        region=region,
        q=data.get("q", ""),
        capability=data.get("capability", ""),
        status=data.get("status", ""),
        funding_line=data.get("funding_line"),
        risk=data.get("risk", ""),
        sort=data.get("sort") or "reference",
    )
    page = paginate(request, qs)
    selectors.audit_posts_shown(user=user, region=region, shown=page.object_list, q=data.get("q", ""))
    return render(
        request,
        "workforce/posts.html",
        _common(request, region) | {"page": page, "filters": filters, "count": page.paginator.count},
    )


@perm_required(WORKFORCE_POSTS_VIEW)
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.post_get(user=user, pk=pk)
    holder = selectors.holder_of(found)
    end = found.funding_line.end_date
    has_gap = bool(
        end and holder and found.status == "filled" and (holder.contract_end is None or holder.contract_end > end)
    )
    context = {"post": found, "holder": holder, "gap": holder.contract_end if has_gap and holder else None}
    return render(request, "workforce/post.html", _common(request, found.region) | context | {"has_gap": has_gap})


def _post_form(request: HttpRequest, region: Region, **kwargs: Any) -> PostForm:
    user = signed_in_user(request)
    return PostForm(
        request.POST or None,
        capabilities=selectors.capabilities_list(user=user, region=region),
        units=Unit.objects.filter(region=region),
        lines=selectors.funding_lines_list(user=user, region=region),
        **kwargs,
    )


@perm_required(WORKFORCE_MANAGE)
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = _region(request)
    services.capabilities_ensure(region=region)
    form = _post_form(request, region, initial={"fte": 1, "status": "vacant"})
    if request.method == "POST" and form.is_valid():
        fields, holder = form.service_arguments()
        try:
            created = services.post_create(actor=user, region=region, holder=holder, **fields)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Post {created.reference} added.")
            return redirect("workforce:post", pk=created.pk)
    return render(request, "workforce/post_form.html", _common(request, region) | {"form": form, "creating": True})


@perm_required(WORKFORCE_MANAGE)
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.post_get(user=user, pk=pk, reason="opened to correct")
    holder = selectors.holder_of(found)
    initial = {
        "reference": found.reference,
        "capability": found.capability_id,
        "unit": found.unit_id,
        "title": found.title,
        "rank_or_grade": found.rank_or_grade,
        "fte": found.fte,
        "annual_cost": found.annual_cost_pence / 100,
        "funding_line": found.funding_line_id,
        "status": found.status,
    }
    if holder:
        initial |= {
            "holder_name": holder.name,
            "staff_number": holder.staff_number,
            "contract_type": holder.contract_type,
            "contract_start": holder.contract_start,
            "contract_end": holder.contract_end,
        }
    form = _post_form(request, found.region, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, new_holder = form.service_arguments()
        try:
            services.post_update(actor=user, post=found, holder=new_holder, **fields)
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("workforce:post", pk=found.pk)
    return render(
        request,
        "workforce/post_form.html",
        _common(request, found.region) | {"form": form, "creating": False, "post": found},
    )


# --- Scenarios ---------------------------------------------------------------------------------


def _position_rows(result: funding.ScenarioResult) -> list[list[str]]:
    cols = (result.today, result.as_funded, result.with_changes)
    return [
        ["Funded posts", *[str(p.funded_posts) for p in cols]],
        ["Funded FTE", *[fte(p.funded_fte) for p in cols]],
        ["Staffed FTE", *[fte(p.staffed_fte) for p in cols]],
        ["Annual cost of funded posts", *[money(p.annual_cost_pence) for p in cols]],
        ["Capabilities below minimum", *[str(len([c for c in p.below_minimum if c.minimum_fte])) for p in cols]],
    ]


@perm_required(WORKFORCE_VIEW)
def scenarios(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = _region(request)
    saved = list(selectors.scenarios_list(user=user, region=region))
    holdings = selectors.holdings_for(user=user, region=region) if saved else None
    rows = []
    for s in saved:
        result = selectors.scenario_result(user=user, scenario=s, holdings=holdings)
        rows.append(
            {
                "scenario": s,
                "posts_lost": len(result.posts_lost),
                "cost": money(result.cost_lost_pence),
                "newly_below": len(result.newly_below_minimum),
            }
        )
    return render(request, "workforce/scenarios.html", _common(request, region) | {"rows": rows})


@perm_required(SCENARIOS_MANAGE)
@require_http_methods(["GET", "POST"])
def scenario_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = _region(request)
    lines = list(selectors.funding_lines_list(user=user, region=region))
    form = ScenarioForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.scenario_create(
                actor=user,
                region=region,
                name=form.cleaned_data["name"],
                assess_on=form.cleaned_data["assess_on"],
                notes=form.cleaned_data["notes"],
                changes=form.changes(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Scenario {created.name} saved.")
            return redirect("workforce:scenario", pk=created.pk)
    return render(request, "workforce/scenario_form.html", _common(request, region) | {"form": form})


@perm_required(WORKFORCE_VIEW)
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.scenario_get(user=user, pk=pk)
    result = selectors.scenario_result(user=user, scenario=found)
    lost_posts: list[Post] = []
    if policy.has_perm(user, WORKFORCE_POSTS_VIEW) and result.posts_lost:
        lost_posts = list(selectors.posts_list(user=user, region=found.region).filter(pk__in=result.posts_lost)[:500])
    caps = []
    for key in sorted(result.as_funded.capabilities, key=lambda k: capability_label(k[1])):
        before = result.as_funded.capabilities[key]
        after = result.with_changes.capabilities[key]
        now = result.today.capabilities[key]
        caps.append(
            {
                "label": capability_label(key[1]),
                "minimum": fte(before.minimum_fte),
                "today": fte(now.staffed_fte),
                "before": fte(before.staffed_fte),
                "after": fte(after.staffed_fte),
                "affected": key in result.capabilities_affected,
                "below_after": after.below_minimum and after.minimum_fte > 0,
                "newly_below": key in result.newly_below_minimum,
            }
        )
    context = _common(request, found.region) | {
        "scenario": found,
        "result": result,
        "position_rows": _position_rows(result),
        "fte_lost": fte(result.fte_lost),
        "cost_lost": money(result.cost_lost_pence),
        "caps": caps,
        "lost_posts": lost_posts,
        "today": result.today.on,
    }
    return render(request, "workforce/scenario.html", context)


@perm_required(SCENARIOS_MANAGE)
@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    found = selectors.scenario_get(user=user, pk=pk)
    try:
        services.scenario_delete(actor=user, scenario=found)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workforce:scenario", pk=found.pk)
    messages.success(request, f"Scenario {found.name} deleted.")
    return redirect("workforce:scenarios")


def _below(pos: funding.Position) -> str:
    return ", ".join(capability_label(c.code) for c in pos.below_minimum if c.minimum_fte) or "none"


@perm_required(WORKFORCE_VIEW)
def scenario_compare(request: HttpRequest) -> HttpResponse:
    """Saved scenarios side by side with today: each assessed on its own day."""
    user = signed_in_user(request)
    ids = request.GET.getlist("s")
    if not 1 <= len(ids) <= MAX_COMPARED or not all(i.isdigit() and len(i) < 12 for i in ids):
        messages.error(request, f"Choose between 1 and {MAX_COMPARED} scenarios to compare.")
        return redirect("workforce:scenarios")
    chosen = [selectors.scenario_get(user=user, pk=int(i)) for i in dict.fromkeys(ids)]
    holdings: dict[int, selectors.Holdings] = {}
    columns = []
    for s in chosen:
        if s.region_id not in holdings:
            holdings[s.region_id] = selectors.holdings_for(user=user, region=s.region)
        result = selectors.scenario_result(user=user, scenario=s, holdings=holdings[s.region_id])
        columns.append((s, result))
    today = columns[0][1].today
    header = ["", f"Today ({today.on:%-d %b %Y})"] + [f"{s.name} ({s.assess_on:%-d %b %Y})" for s, _ in columns]
    rows = [
        ["Funded posts", str(today.funded_posts)] + [str(r.with_changes.funded_posts) for _, r in columns],
        ["Staffed FTE", fte(today.staffed_fte)] + [fte(r.with_changes.staffed_fte) for _, r in columns],
        ["Annual cost of funded posts", money(today.annual_cost_pence)]
        + [money(r.with_changes.annual_cost_pence) for _, r in columns],
        ["Posts lost by the scenario", "—"] + [str(len(r.posts_lost)) for _, r in columns],
        ["Annual cost of posts lost", "—"] + [money(r.cost_lost_pence) for _, r in columns],
        ["Capabilities affected", "—"]
        + [", ".join(capability_label(c) for _, c in r.capabilities_affected) or "none" for _, r in columns],
        ["Capabilities below minimum", _below(today)] + [_below(r.with_changes) for _, r in columns],
    ]
    return render(
        request,
        "workforce/scenario_compare.html",
        {"header": header, "rows": rows, "scenarios": [s for s, _ in columns]},
    )


# --- Imports -------------------------------------------------------------------------------------


@perm_required(WORKFORCE_MANAGE)
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    region = _region(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_IMPORT_BYTES:
                raise ValidationFailed("That file is over 5 MB: split it and import the parts.", field="file")
            held = services.import_preview(
                actor=user, region=region, kind=form.cleaned_data["kind"], filename=upload.name, content=upload.read()
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("workforce:import", pk=held.pk)
    recent = selectors.imports_list(user=user, region=region)[:20]
    return render(request, "workforce/imports.html", _common(request, region) | {"form": form, "recent": recent})


@perm_required(WORKFORCE_MANAGE)
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from rocu.workforce import imports as importer

    user = signed_in_user(request)
    held = selectors.import_get(user=user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "discard":
                services.import_discard(actor=user, upload=held)
                messages.success(request, "Import discarded: nothing was saved.")
                return redirect("workforce:imports")
            if action in ("all", "valid"):
                done = services.import_apply(actor=user, upload=held, valid_rows_only=action == "valid")
                messages.success(request, f"{done.imported_count} rows imported.")
                return redirect("workforce:import", pk=held.pk)
            messages.error(request, "Choose to import or to discard.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    checked = None
    problem = ""
    if held.status == ImportStatus.PREVIEW:
        try:
            checked = importer.check(kind=held.kind, region=held.region, text=held.content)
        except ApplicationError as exc:
            problem = exc.message
        if held.kind == "hr":
            # An HR export names people: showing it back is a consultation.
            audit_record(
                actor=user,
                category=Category.CONSULTATION,
                action="workforce.import.view",
                obj=held,
                region_id=held.region_id,
            )
    page = paginate(request, checked.rows if checked else [], default_size=50)
    return render(
        request,
        "workforce/import.html",
        _common(request, held.region) | {"held": held, "checked": checked, "page": page, "problem": problem},
    )
