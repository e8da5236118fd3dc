"""Funding and workforce arithmetic: financial years, when posts lose their funding or
their people, which capabilities fall below their minimum, and what-if scenarios.

Plain Python so that a scenario over the whole ROCU network (tens of thousands of
posts) runs in a fraction of a second and can be property-tested without a database.
Money is integer pence, FTE integer hundredths (1.00 FTE = 100), dates `datetime.date`.

Rules (version `RULES_VERSION`):

- A financial year runs 1 April to 31 March and is named by the year it starts in
  (2026 is "2026/27").
- A post is *funded* on a day when its funding line has no end date or ends on or after
  that day; a scenario "not renewed from D" makes the line's last funded day D - 1.
- A post is *staffed* on a day when it is filled (not vacant, not seconded out), funded
  and its holder's contract has no end or ends on or after that day.
- A capability is *below minimum* on a day when its staffed FTE is under its minimum.
- A post is *lost* in a financial year when its last funded day falls in that year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

RULES_VERSION = "funding-rules-1"

FILLED = "filled"
VACANT = "vacant"
SECONDED_OUT = "seconded_out"
POST_STATUSES = (FILLED, VACANT, SECONDED_OUT)

_ONE_DAY = dt.timedelta(days=1)


# --- Financial years ------------------------------------------------------------------


def financial_year(day: dt.date) -> int:
    """The financial year a day falls in, named by its starting calendar year."""
    return day.year if day.month >= 4 else day.year - 1


def fy_start(year: int) -> dt.date:
    return dt.date(year, 4, 1)


def fy_end(year: int) -> dt.date:
    return dt.date(year + 1, 3, 31)


def fy_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def parse_fy(text: str) -> int:
    """'2026/27', '2026-27' or '2026' to 2026; ValueError for anything else.

    The short second year must follow the first, so a typing slip such as '2026/28'
    is refused rather than read as one of the two years.
    """
    cleaned = text.strip()
    for sep in ("/", "-"):
        if sep in cleaned:
            first, _, second = cleaned.partition(sep)
            year = int(first)
            if len(first) != 4 or len(second) not in (2, 4) or int(second) % 100 != (year + 1) % 100:
                raise ValueError(f"{text!r} is not a financial year such as 2026/27")
            return year
    if len(cleaned) != 4:
        raise ValueError(f"{text!r} is not a financial year such as 2026/27")
    return int(cleaned)


# --- Inputs ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundingLine:
    id: int
    region_id: int
    source: str
    end: dt.date | None  # last day funded; None: no end date recorded (recurrent)


@dataclass(frozen=True, slots=True)
class Post:
    id: int
    region_id: int
    capability: str
    fte: int  # hundredths
    annual_cost_pence: int
    status: str
    funding_line_id: int
    contract_end: dt.date | None = None  # the holder's; None: permanent, or no holder


@dataclass(frozen=True, slots=True)
class Capability:
    region_id: int
    code: str
    minimum_fte: int  # hundredths


@dataclass(frozen=True, slots=True)
class NotRenewed:
    """'This funding line is not renewed from this date': the date is the first unfunded day."""

    funding_line_id: int
    from_date: dt.date


# --- Single posts ---------------------------------------------------------------------


def effective_ends(lines: Iterable[FundingLine], changes: Iterable[NotRenewed] = ()) -> dict[int, dt.date | None]:
    """Each line's last funded day once the scenario's changes are applied."""
    ends: dict[int, dt.date | None] = {line.id: line.end for line in lines}
    for change in changes:
        if change.funding_line_id not in ends:
            continue
        cut = change.from_date - _ONE_DAY
        current = ends[change.funding_line_id]
        ends[change.funding_line_id] = cut if current is None or cut < current else current
    return ends


def is_funded(post: Post, ends: Mapping[int, dt.date | None], on: dt.date) -> bool:
    end = ends.get(post.funding_line_id)
    return end is None or end >= on


def is_staffed(post: Post, ends: Mapping[int, dt.date | None], on: dt.date) -> bool:
    return (
        post.status == FILLED and is_funded(post, ends, on) and (post.contract_end is None or post.contract_end >= on)
    )


@dataclass(frozen=True, slots=True)
class FundingGap:
    """A filled post whose funding ends before its holder's contract does."""

    post_id: int
    funding_end: dt.date
    contract_end: dt.date | None  # None: a permanent contract on fixed-term money
    days_unfunded: int | None  # None when the contract is permanent


def funding_before_contract(posts: Iterable[Post], ends: Mapping[int, dt.date | None]) -> list[FundingGap]:
    gaps = []
    for post in posts:
        end = ends.get(post.funding_line_id)
        if post.status != FILLED or end is None:
            continue
        if post.contract_end is None:
            gaps.append(FundingGap(post.id, end, None, None))
        elif end < post.contract_end:
            gaps.append(FundingGap(post.id, end, post.contract_end, (post.contract_end - end).days))
    return sorted(gaps, key=lambda g: (g.funding_end, g.post_id))


# --- Capabilities on a day ------------------------------------------------------------


@dataclass(slots=True)
class CapabilityPosition:
    region_id: int
    code: str
    minimum_fte: int
    funded_fte: int = 0  # the establishment still paid for on the day
    staffed_fte: int = 0
    vacant_fte: int = 0
    seconded_out_fte: int = 0
    funded_posts: int = 0
    annual_cost_pence: int = 0

    @property
    def below_minimum(self) -> bool:
        return self.staffed_fte < self.minimum_fte

    @property
    def vacancy_rate(self) -> float | None:
        """Vacant share of the funded establishment (None when nothing is funded)."""
        return self.vacant_fte / self.funded_fte if self.funded_fte else None

    @property
    def shortfall_fte(self) -> int:
        return max(0, self.minimum_fte - self.staffed_fte)


def capability_positions(
    posts: Iterable[Post],
    capabilities: Iterable[Capability],
    ends: Mapping[int, dt.date | None],
    on: dt.date,
) -> dict[tuple[int, str], CapabilityPosition]:
    """Each (region, capability) on one day; capabilities without a minimum appear too."""
    positions: dict[tuple[int, str], CapabilityPosition] = {
        (c.region_id, c.code): CapabilityPosition(c.region_id, c.code, c.minimum_fte) for c in capabilities
    }
    for post in posts:
        key = (post.region_id, post.capability)
        pos = positions.get(key)
        if pos is None:
            pos = positions[key] = CapabilityPosition(post.region_id, post.capability, 0)
        end = ends.get(post.funding_line_id)
        if end is not None and end < on:
            continue
        pos.funded_fte += post.fte
        pos.funded_posts += 1
        pos.annual_cost_pence += post.annual_cost_pence
        if post.status == VACANT:
            pos.vacant_fte += post.fte
        elif post.status == SECONDED_OUT:
            pos.seconded_out_fte += post.fte
        elif post.contract_end is None or post.contract_end >= on:
            pos.staffed_fte += post.fte
        else:
            # The holder has left and the funded post stands empty until recruited to.
            pos.vacant_fte += post.fte
    return positions


def below_minimum(positions: Mapping[tuple[int, str], CapabilityPosition]) -> list[CapabilityPosition]:
    return sorted((p for p in positions.values() if p.below_minimum), key=lambda p: (p.region_id, p.code))


# --- The cliff edge by financial year ---------------------------------------------------


@dataclass(slots=True)
class CliffYear:
    year: int
    posts_lost: int = 0
    fte_lost: int = 0
    cost_lost_pence: int = 0  # the annual cost of the posts that lose their funding
    contracts_ending: int = 0  # filled posts whose holder's contract ends in the year
    by_capability: dict[str, list[int]] = field(default_factory=dict)  # code: [posts, fte, cost]

    @property
    def label(self) -> str:
        return fy_label(self.year)


def cliff_edge(
    posts: Iterable[Post], ends: Mapping[int, dt.date | None], first_year: int, years: int
) -> list[CliffYear]:
    """What falls away in each of `years` financial years from `first_year`.

    Funding that ended before `first_year` is not counted: those posts are already gone.
    """
    last_year = first_year + years - 1
    table = {y: CliffYear(y) for y in range(first_year, last_year + 1)}
    for post in posts:
        end = ends.get(post.funding_line_id)
        if end is not None:
            y = financial_year(end)
            if first_year <= y <= last_year:
                row = table[y]
                row.posts_lost += 1
                row.fte_lost += post.fte
                row.cost_lost_pence += post.annual_cost_pence
                cap = row.by_capability.setdefault(post.capability, [0, 0, 0])
                cap[0] += 1
                cap[1] += post.fte
                cap[2] += post.annual_cost_pence
        if post.status == FILLED and post.contract_end is not None:
            y = financial_year(post.contract_end)
            if first_year <= y <= last_year and (end is None or post.contract_end <= end):
                table[y].contracts_ending += 1
    return [table[y] for y in range(first_year, last_year + 1)]


# --- Scenarios ------------------------------------------------------------------------


@dataclass(slots=True)
class Position:
    """The whole picture on one day under one set of funding assumptions."""

    on: dt.date
    funded_posts: int
    funded_fte: int
    staffed_fte: int
    vacant_fte: int
    annual_cost_pence: int
    capabilities: dict[tuple[int, str], CapabilityPosition]

    @property
    def below_minimum(self) -> list[CapabilityPosition]:
        return below_minimum(self.capabilities)


def position(
    posts: Sequence[Post], capabilities: Sequence[Capability], ends: Mapping[int, dt.date | None], on: dt.date
) -> Position:
    caps = capability_positions(posts, capabilities, ends, on)
    return Position(
        on=on,
        funded_posts=sum(c.funded_posts for c in caps.values()),
        funded_fte=sum(c.funded_fte for c in caps.values()),
        staffed_fte=sum(c.staffed_fte for c in caps.values()),
        vacant_fte=sum(c.vacant_fte for c in caps.values()),
        annual_cost_pence=sum(c.annual_cost_pence for c in caps.values()),
        capabilities=caps,
    )


@dataclass(slots=True)
class ScenarioResult:
    today: Position
    as_funded: Position  # on the assessment day, funding as recorded
    with_changes: Position  # on the assessment day, with the scenario's changes
    posts_lost: list[int]  # funded as recorded, unfunded under the scenario
    fte_lost: int
    cost_lost_pence: int
    capabilities_affected: list[tuple[int, str]]  # lose staffed or funded FTE
    newly_below_minimum: list[tuple[int, str]]
    rules_version: str = RULES_VERSION


def run_scenario(
    *,
    posts: Sequence[Post],
    lines: Sequence[FundingLine],
    capabilities: Sequence[Capability],
    changes: Sequence[NotRenewed],
    today: dt.date,
    on: dt.date,
) -> ScenarioResult:
    """Compare the assessment day with and without the changes, beside today."""
    recorded = effective_ends(lines)
    changed = effective_ends(lines, changes)
    lost = [
        p
        for p in posts
        if recorded.get(p.funding_line_id) != changed.get(p.funding_line_id)
        and is_funded(p, recorded, on)
        and not is_funded(p, changed, on)
    ]
    now = position(posts, capabilities, recorded, today)
    as_funded = position(posts, capabilities, recorded, on)
    with_changes = position(posts, capabilities, changed, on)
    affected = sorted(
        key
        for key, before in as_funded.capabilities.items()
        if (after := with_changes.capabilities[key]).funded_fte < before.funded_fte
        or after.staffed_fte < before.staffed_fte
    )
    newly_below = sorted(
        key
        for key, before in as_funded.capabilities.items()
        if not before.below_minimum and with_changes.capabilities[key].below_minimum
    )
    return ScenarioResult(
        today=now,
        as_funded=as_funded,
        with_changes=with_changes,
        posts_lost=sorted(p.id for p in lost),
        fte_lost=sum(p.fte for p in lost),
        cost_lost_pence=sum(p.annual_cost_pence for p in lost),
        capabilities_affected=affected,
        newly_below_minimum=newly_below,
    )


def totals_by(posts: Iterable[Post], key: str) -> dict[str, list[int]]:
    """Posts, FTE and annual cost (pence) summed by one attribute of the post."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for post in posts:
        row = out[str(getattr(post, key))]
        row[0] += 1
        row[1] += post.fte
        row[2] += post.annual_cost_pence
    return dict(out)
