"""Optimistic locking for records people edit together (assessments, recommendations, plans, triage).

A page or API client reads a record with its `row_version`; the service saves only if
the row still carries that version, and bumps it in the same UPDATE. A stale save raises
`EditConflict` holding both versions side by side, so the page shows what the other
person saved next to what this person tried to save, and nothing is overwritten
silently. The person can then save again on purpose: the form is re-drawn on the new
version.

Hand-written rather than django-concurrency because rocu's services already save
through `QuerySet.update` inside their own transaction with the audit entry, and the
conflict has to carry both versions for display, which that library does not do.

Usage in a model:  `row_version = RowVersionField()`  (or inherit `Versioned`)
Usage in a service: `save_if_unchanged(obj, expected_version=v, fields=("title", ...))`
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import F

from rocu.core.errors import Conflict


class RowVersionField(models.PositiveIntegerField):
    """The version a record is at; 1 when created, +1 on every guarded save."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", 1)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("help_text", "Optimistic-locking version; bumped by every guarded save.")
        super().__init__(*args, **kwargs)


class Versioned(models.Model):
    row_version = RowVersionField()

    class Meta:
        abstract = True


@dataclass(frozen=True)
class ConflictRow:
    label: str
    theirs: str
    yours: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.yours


class EditConflict(Conflict):
    """Someone saved the record after this person opened it."""

    def __init__(self, *, current_version: int, rows: Sequence[ConflictRow], what: str = "this record") -> None:
        super().__init__(
            f"Someone else saved {what} after you opened it (it is now at version {current_version}). "
            "Compare the two versions below; nothing of yours or theirs has been overwritten. "
            "Save again to replace their version with yours."
        )
        self.current_version = current_version
        self.rows = list(rows)
        self.errors = {"row_version": [f"The record is now at version {current_version}."]}

    def as_dict(self) -> dict[str, Any]:
        return {
            "current_version": self.current_version,
            "fields": [{"field": r.label, "saved": r.theirs, "yours": r.yours} for r in self.rows],
        }


def _shown(obj: Any, field: models.Field) -> str:
    value = getattr(obj, field.name)
    if field.choices and not isinstance(field, models.ForeignKey):
        return str(dict(field.flatchoices).get(value, value) if value is not None else "")
    if value is None:
        return ""
    if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
        return ", ".join(str(v) for v in value)
    return str(value)


def conflict_rows(current: Any, attempted: Any, fields: Sequence[str]) -> list[ConflictRow]:
    rows = []
    for name in fields:
        field = current._meta.get_field(name)
        label = str(field.verbose_name).capitalize()
        rows.append(ConflictRow(label, _shown(current, field), _shown(attempted, field)))
    return rows


def check_version(obj: Any, expected_version: int | None, *, fields: Sequence[str] = (), what: str = "") -> None:
    """Refuse when the row has moved on (for saves that go through `obj.save()` or create children).

    Reads the stored version under the caller's transaction; `None` means the caller
    did not send a version (old form, script) and is refused as a conflict too, since
    we cannot tell what they saw.
    """
    stored = type(obj)._default_manager.select_for_update().only("pk", "row_version").get(pk=obj.pk).row_version
    if expected_version is None or int(expected_version) != stored:
        current = type(obj)._default_manager.get(pk=obj.pk)
        raise EditConflict(
            current_version=stored,
            rows=conflict_rows(current, obj, fields),
            what=what or str(obj._meta.verbose_name),
        )


def save_if_unchanged(obj: Any, *, expected_version: int | None, fields: Sequence[str], what: str = "") -> None:
    """Write `fields` of `obj` only if the row is still at `expected_version`; bump the version.

    Call inside the service's transaction, before its audit entry, so a refused save
    writes nothing at all.
    """
    model = type(obj)
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            raise ValueError(f"{name} is many-to-many; set it after save_if_unchanged")
        values[field.attname] = getattr(obj, field.attname)
    updated = 0
    if expected_version is not None:
        updated = model._default_manager.filter(pk=obj.pk, row_version=int(expected_version)).update(
            row_version=F("row_version") + 1, **values
        )
    if not updated:
        current = model._default_manager.get(pk=obj.pk)
        raise EditConflict(
            current_version=current.row_version,
            rows=conflict_rows(current, obj, fields),
            what=what or str(obj._meta.verbose_name),
        )
    obj.row_version = int(expected_version or 0) + 1


def bump_version(obj: Any) -> None:
    """Move the version on after a save that went through `check_version` + `obj.save()`."""
    type(obj)._default_manager.filter(pk=obj.pk).update(row_version=F("row_version") + 1)
    obj.refresh_from_db(fields=["row_version"])


class RowVersionFormMixin(forms.Form):
    """Carries the version the page was drawn from, so the service can spot a stale save."""

    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


def rebased_form(form: forms.Form, conflict: EditConflict, **form_kwargs: Any) -> forms.Form:
    """The same form, bound to what the person typed but on the stored version, with the conflict shown.

    Saving this form again is a deliberate overwrite, which is what "nothing is
    overwritten silently" allows.
    """
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict on a bound form
    data[form.add_prefix("row_version")] = str(conflict.current_version)
    rebased = type(form)(data=data, files=form.files, **form_kwargs)
    rebased.is_valid()
    rebased.add_error(None, conflict.message)
    return rebased
