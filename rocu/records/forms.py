from __future__ import annotations

from django import forms

from rocu.accounts.forms import GovukMixin
from rocu.records.models import ReviewDecisionKind

DUE_CHOICES = [("due", "Due now"), ("year", "Due within a year"), ("all", "All")]


class QueueFilterForm(forms.Form):
    due = forms.ChoiceField(choices=DUE_CHOICES, required=False)
    group = forms.TypedChoiceField(
        choices=[("", "Any"), ("1", "Group 1"), ("2", "Group 2"), ("3", "Group 3")],
        coerce=int,
        required=False,
        empty_value=None,
    )
    held = forms.ChoiceField(choices=[("", "Any"), ("yes", "Under legal hold"), ("no", "Not held")], required=False)
    status = forms.ChoiceField(choices=[("active", "Held"), ("disposed", "Disposed of"), ("", "Any")], required=False)
    sort = forms.CharField(max_length=20, required=False)


class DecisionForm(GovukMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=ReviewDecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose retain or dispose."},
    )
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for this decision."},
    )


class HoldForm(GovukMixin, forms.Form):
    reason = forms.CharField(
        max_length=300, label="Reason", error_messages={"required": "Give a reason for placing or lifting the hold."}
    )


class GroupForm(GovukMixin, forms.Form):
    group = forms.TypedChoiceField(choices=[(1, "Group 1"), (2, "Group 2"), (3, "Group 3")], coerce=int)
    reason = forms.CharField(max_length=1000, error_messages={"required": "Give a reason for changing the group."})


class SubjectAccessForm(GovukMixin, forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    surname = forms.CharField(max_length=100, error_messages={"required": "Enter the requester's surname."})
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    postcode = forms.CharField(max_length=10, required=False)
    received_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Received on")


class ExportForm(GovukMixin, forms.Form):
    recipient = forms.CharField(
        max_length=200,
        help_text="Who reviews the disclosure",
        error_messages={"required": "Say who receives the export (the disclosure reviewer)."},
    )
    reason = forms.CharField(max_length=1000, error_messages={"required": "Give a reason for the export."})
