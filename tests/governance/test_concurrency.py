"""Two people updating one recommendation's progress: a stale update shows both, overwrites nothing."""

from __future__ import annotations

import re

import pytest

from rocu.audit.models import AuditEvent
from rocu.core.concurrency import EditConflict
from rocu.governance import services
from rocu.governance.models import Outcome, ProgressStatus, TrackingChange


def _version(page: str, action: str) -> str:
    """The row_version hidden in one of the page's small forms (by its action URL's last part)."""
    form = re.search(rf'action="[^"]*/{action}/"[^>]*>(.*?)</form>', page, re.S)
    assert form, action
    found = re.search(r'name="row_version" value="(\d+)"', form.group(1))
    assert found, action
    return found.group(1)


def test_it_shows_both_versions_on_a_stale_progress_update_and_takes_the_second_try(client_for, gov):
    t = gov["sw"]["Recommendation 2"]
    assert t.owner.username == "lro"
    # Whatever the demo left it at, the manager moves it one way and the owner the other.
    theirs, yours = (
        ("being_progressed", "awaiting_review")
        if t.progress == ProgressStatus.AWAITING_REVIEW
        else ("awaiting_review", "being_progressed")
    )
    url = f"/governance/recommendations/{t.pk}/"
    owner, manager = client_for("lro"), client_for("head")
    seen = _version(owner.get(url).content.decode(), "progress")
    assert seen == _version(manager.get(url).content.decode(), "progress") == str(t.row_version)

    done = manager.post(f"{url}progress/", {"progress": theirs, "note": "Plan agreed", "row_version": seen})
    assert done.status_code == 302
    changes = t.changes.count()

    page = owner.post(f"{url}progress/", {"progress": yours, "note": "Not started", "row_version": seen})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="edit-conflict"' in body
    assert f"Saved by someone else (version {int(seen) + 1})" in body
    assert f"{ProgressStatus(theirs).label} since" in body
    assert f"{ProgressStatus(yours).label} from" in body
    assert "Progress status by" in body  # who made the change meanwhile, and their note
    t.refresh_from_db()
    assert t.progress == theirs
    assert t.changes.count() == changes
    assert AuditEvent.objects.filter(action="governance.tracking.progress", object_id=str(t.pk)).count() == 1

    # The progress form is re-drawn on the stored version with what the owner chose.
    assert _version(body, "progress") == str(int(seen) + 1)
    assert re.search(rf'<option value="{yours}" selected>', body)
    again = owner.post(f"{url}progress/", {"progress": yours, "note": "Not started", "row_version": int(seen) + 1})
    assert again.status_code == 302
    t.refresh_from_db()
    assert (t.progress, t.row_version) == (yours, int(seen) + 2)


def test_it_guards_the_outcome_assessment_the_same_way(persona, gov):
    t = gov["sw"]["Recommendation 2"]
    start = t.row_version
    theirs = Outcome.NOT_ACHIEVED if t.outcome != Outcome.NOT_ACHIEVED else Outcome.PARTLY
    services.tracking_outcome(
        actor=persona("head"), tracking=t, outcome=theirs, note="Half the forces", expected_version=start
    )
    with pytest.raises(EditConflict) as caught:
        services.tracking_outcome(
            actor=persona("lro"), tracking=t, outcome=Outcome.ACHIEVED, note="All done", expected_version=start
        )
    rows = {r.label: (r.theirs, r.yours) for r in caught.value.rows}
    assert rows["Outcome assessment"][0].startswith(f"{theirs.label} since")
    assert rows["Outcome assessment"][1].startswith("Achieved from")
    t.refresh_from_db()
    assert t.outcome == theirs
    assert not TrackingChange.objects.filter(tracking=t, new_value="Achieved").exists()


def test_it_makes_an_open_page_stale_when_the_owner_or_closure_changes(persona, gov):
    head = persona("head")
    t = gov["sw"]["Recommendation 4"]
    start = t.row_version
    target = (
        ProgressStatus.BEING_PROGRESSED
        if t.progress == ProgressStatus.AWAITING_REVIEW
        else ProgressStatus.AWAITING_REVIEW
    )
    services.tracking_assign(actor=head, tracking=t, owner=persona("sio"), approver=head, due_date=t.due_date)
    t.refresh_from_db()
    assert t.row_version == start + 1
    with pytest.raises(EditConflict):
        services.tracking_progress(actor=head, tracking=t, progress=target, expected_version=start)
    with pytest.raises(EditConflict):  # a caller that does not say what it read is refused too
        services.tracking_progress(actor=head, tracking=t, progress=target, expected_version=None)
    services.tracking_progress(actor=head, tracking=t, progress=target, expected_version=t.row_version)
    t.refresh_from_db()
    assert (t.progress, t.row_version) == (target, start + 2)
