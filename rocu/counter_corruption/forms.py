from __future__ import annotations

from typing import Any

from django import forms

from rocu.accounts.forms import GovukMixin
from rocu.counter_corruption.models import (
    AlertOutcome,
    AlertStatus,
    CaseOutcome,
    CaseStatus,
    CorruptionCategory,
    DeclarationKind,
)

RULE_CHOICES = [
    ("", "Any"),
    ("association_match", "Matches own name or a declared association"),
    ("no_work_link", "No work link"),
    ("bulk_view", "Bulk viewing"),
    ("bulk_export", "Bulk export"),
    ("out_of_hours", "Out of hours"),
    ("fishing", "Searches that find nobody"),
    ("concerns_self", "A case that concerns them"),
]


class DeclarationForm(GovukMixin, forms.Form):
    kind = forms.ChoiceField(choices=DeclarationKind.choices, label="What are you declaring?")
    first_name = forms.CharField(max_length=100, required=False)
    surname = forms.CharField(max_length=100, required=False)
    organisation = forms.CharField(max_length=160, required=False, label="Business or organisation")
    address = forms.CharField(max_length=200, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    relationship = forms.CharField(max_length=120, required=False, help_text="For example: brother-in-law, director")
    details = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AlertFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any"), ("open", "Open (new or assigned)"), *AlertStatus.choices], required=False
    )
    rule = forms.ChoiceField(choices=RULE_CHOICES, required=False)
    subject = forms.CharField(max_length=150, required=False)
    sort = forms.CharField(max_length=20, required=False)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any"), *CaseStatus.choices], required=False)
    category = forms.ChoiceField(choices=[("", "Any"), *CorruptionCategory.choices], required=False)
    sort = forms.CharField(max_length=20, required=False)


class RegisterFilterForm(forms.Form):
    q = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=[("", "Any"), *DeclarationKind.choices], required=False)
    current = forms.ChoiceField(choices=[("", "Any"), ("yes", "Current"), ("no", "Withdrawn")], required=False)


class AssignForm(GovukMixin, forms.Form):
    assigned_to = forms.ChoiceField(label="Assign to")

    def __init__(self, *args: Any, team: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [("", "Choose")] + [(u.username, u.display_name) for u in team]  # type: ignore[attr-defined]


class AlertCloseForm(GovukMixin, forms.Form):
    category = forms.ChoiceField(
        choices=[("", "Choose"), *CorruptionCategory.choices],
        label="Category of corruption intelligence",
        error_messages={"required": "Choose the category of corruption intelligence."},
    )
    outcome = forms.ChoiceField(
        choices=[("", "Choose"), *AlertOutcome.choices], error_messages={"required": "Choose the outcome."}
    )
    note = forms.CharField(
        max_length=500,
        label="Why can it be closed?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the alert can be closed."},
    )


class AlertReopenForm(GovukMixin, forms.Form):
    note = forms.CharField(
        max_length=500,
        label="Why reopen it?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the alert is being reopened."},
    )


class EscalateForm(GovukMixin, forms.Form):
    title = forms.CharField(max_length=200, label="Case title")
    note = forms.CharField(
        max_length=4000, required=False, label="First note", widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(GovukMixin, forms.Form):
    text = forms.CharField(max_length=4000, label="Note", widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(GovukMixin, forms.Form):
    category = forms.ChoiceField(
        choices=[("", "Choose"), *CorruptionCategory.choices], label="Category of corruption intelligence"
    )
    outcome = forms.ChoiceField(choices=[("", "Choose"), *CaseOutcome.choices])
    summary = forms.CharField(max_length=4000, label="What was found", widget=forms.Textarea(attrs={"rows": 3}))


class ScanForm(forms.Form):
    full = forms.BooleanField(required=False)


class TeamFilterForm(forms.Form):
    actor = forms.CharField(max_length=150, required=False)
