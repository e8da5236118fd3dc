"""The optimistic-locking helpers (rocu/core/concurrency.py) on real models and a real database.

RecommendationTracking is a plain model; Threat inherits its row_version from
TaskingSubject (multi-table inheritance), so a guarded save updates two tables.
"""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from rocu.accounts.models import Region, User
from rocu.core.concurrency import (
    ConflictRow,
    EditConflict,
    RowVersionField,
    RowVersionFormMixin,
    bump_version,
    check_version,
    conflict_rows,
    rebased_form,
    save_if_unchanged,
)
from rocu.core.errors import Conflict
from rocu.governance.models import ProgressStatus, RecommendationTracking
from rocu.threats import services as threat_services
from rocu.threats.models import TaskingSubject, Threat

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracking():
    return RecommendationTracking.objects.filter(region__code="south-west").order_by("pk").first()


@pytest.fixture
def threat(persona):
    return threat_services.threat_create(
        actor=persona("analyst"),
        region=Region.objects.get(code="south-west"),
        name="Firearms supply — Bristol",
        threat_type="firearms",
    )


def _copy(model, pk):
    return model.objects.get(pk=pk)


def test_it_starts_every_row_at_version_one_and_keeps_the_field_off_forms(tracking, threat):
    field = RecommendationTracking._meta.get_field("row_version")
    assert isinstance(field, RowVersionField)
    assert (field.default, field.editable) == (1, False)
    assert threat.row_version == 1
    assert TaskingSubject._meta.get_field("row_version").model is TaskingSubject


def test_it_saves_and_moves_the_version_on_when_the_row_is_unchanged(tracking):
    start = tracking.row_version
    tracking.progress = ProgressStatus.BEING_PROGRESSED
    save_if_unchanged(tracking, expected_version=start, fields=["progress"])
    assert tracking.row_version == start + 1
    stored = _copy(RecommendationTracking, tracking.pk)
    assert (stored.progress, stored.row_version) == (ProgressStatus.BEING_PROGRESSED, start + 1)


def test_it_refuses_a_stale_save_with_both_versions_and_writes_nothing(tracking):
    mine, theirs = _copy(RecommendationTracking, tracking.pk), _copy(RecommendationTracking, tracking.pk)
    start = mine.row_version
    theirs.progress = ProgressStatus.BEING_PROGRESSED
    save_if_unchanged(theirs, expected_version=start, fields=["progress"])

    mine.progress = ProgressStatus.AWAITING_REVIEW
    mine.outcome = "achieved"
    with pytest.raises(EditConflict) as caught:
        save_if_unchanged(mine, expected_version=start, fields=["progress", "outcome"], what="Recommendation 1")
    conflict = caught.value
    assert isinstance(conflict, Conflict)
    assert conflict.status == 409
    assert conflict.current_version == start + 1
    assert "Someone else saved Recommendation 1 after you opened it" in conflict.message
    assert conflict.rows == [
        ConflictRow("Progress", "Being progressed", "Awaiting review"),
        ConflictRow("Outcome", "Not yet assessed", "Achieved"),
    ]
    assert [r.differs for r in conflict.rows] == [True, True]
    assert conflict.as_dict() == {
        "current_version": start + 1,
        "fields": [
            {"field": "Progress", "saved": "Being progressed", "yours": "Awaiting review"},
            {"field": "Outcome", "saved": "Not yet assessed", "yours": "Achieved"},
        ],
    }
    assert conflict.errors == {"row_version": [f"The record is now at version {start + 1}."]}
    stored = _copy(RecommendationTracking, tracking.pk)
    assert (stored.progress, stored.outcome, stored.row_version) == (
        ProgressStatus.BEING_PROGRESSED,
        "not_assessed",
        start + 1,
    )

    # Saving again from the stored version is deliberate, and goes through.
    save_if_unchanged(mine, expected_version=conflict.current_version, fields=["progress", "outcome"])
    stored.refresh_from_db()
    assert (stored.progress, stored.outcome, stored.row_version) == (
        ProgressStatus.AWAITING_REVIEW,
        "achieved",
        start + 2,
    )


def test_it_refuses_a_save_that_does_not_say_which_version_it_read(tracking):
    before = _copy(RecommendationTracking, tracking.pk)
    tracking.progress = (
        ProgressStatus.BEING_PROGRESSED
        if before.progress == ProgressStatus.AWAITING_REVIEW
        else ProgressStatus.AWAITING_REVIEW
    )
    with pytest.raises(EditConflict):
        save_if_unchanged(tracking, expected_version=None, fields=["progress"])
    after = _copy(RecommendationTracking, tracking.pk)
    assert (after.progress, after.row_version) == (before.progress, before.row_version)


def test_it_refuses_a_many_to_many_field_in_a_guarded_save(threat):
    with pytest.raises(ValueError, match="many-to-many"):
        save_if_unchanged(threat, expected_version=1, fields=["forces_affected"])


def test_it_guards_fields_of_both_tables_of_an_inherited_model(threat):
    mine, theirs = _copy(Threat, threat.pk), _copy(Threat, threat.pk)
    theirs.name, theirs.threat_type = "Firearms supply — Avonmouth", "drugs"
    save_if_unchanged(theirs, expected_version=1, fields=["name", "threat_type"])
    stored = _copy(Threat, threat.pk)
    assert (stored.name, stored.threat_type, stored.row_version) == ("Firearms supply — Avonmouth", "drugs", 2)

    mine.threat_type = "firearms"
    with pytest.raises(EditConflict) as caught:
        save_if_unchanged(mine, expected_version=1, fields=["threat_type"])
    assert caught.value.rows == [ConflictRow("Threat type", "Drugs supply (incl. county lines)", "Firearms")]
    assert _copy(Threat, threat.pk).threat_type == "drugs"


def test_it_checks_a_version_before_a_save_that_goes_through_the_model(tracking, persona):
    start = tracking.row_version
    check_version(tracking, start, fields=["progress"])  # unchanged: no complaint
    bump_version(tracking)
    assert tracking.row_version == start + 1
    stale = _copy(RecommendationTracking, tracking.pk)
    stale.owner = persona("sio")
    with pytest.raises(EditConflict) as caught:
        check_version(stale, start, fields=["owner"], what="the tracking")
    assert caught.value.current_version == start + 1
    assert caught.value.rows[0].label == "Owner"
    assert caught.value.rows[0].yours == str(persona("sio"))
    with pytest.raises(EditConflict):
        check_version(stale, None)


def test_it_shows_choices_by_label_and_lists_as_text(threat):
    changed = _copy(Threat, threat.pk)
    changed.classification = "secret"
    rows = conflict_rows(_copy(Threat, threat.pk), changed, ["classification", "owner", "lro"])
    assert rows[0] == ConflictRow("Classification", "OFFICIAL-SENSITIVE", "SECRET")
    assert rows[1].theirs == str(User.objects.get(pk=threat.owner_id))
    assert rows[2] == ConflictRow("Lro", "", "")


class _Form(RowVersionFormMixin):
    note = forms.CharField(max_length=20)

    def __init__(self, *args, prefix_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix_hint = prefix_hint


def test_it_carries_the_version_in_a_hidden_required_field():
    assert isinstance(_Form().fields["row_version"].widget, forms.HiddenInput)
    assert not _Form(data={"note": "x"}).is_valid()
    assert not _Form(data={"note": "x", "row_version": "0"}).is_valid()
    assert _Form(data={"note": "x", "row_version": "3"}).is_valid()


def test_it_redraws_the_form_on_the_stored_version_keeping_what_was_typed():
    typed = _Form(data=QueryDict("note=mine&row_version=1"), prefix_hint="x")
    assert typed.is_valid()
    conflict = EditConflict(current_version=4, rows=[ConflictRow("Note", "theirs", "mine")])
    rebased = rebased_form(typed, conflict, prefix_hint="y")
    assert rebased.data["row_version"] == "4"
    assert rebased.data["note"] == "mine"
    assert rebased.prefix_hint == "y"
    assert rebased.non_field_errors() == [conflict.message]
    assert typed.data["row_version"] == "1"  # the original is left as it was
