"""Forms for outcomes and disruption claims; the services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms

from rocu.engines import grading
from rocu.operations.forms import govuk
from rocu.operations.models import P
from rocu.outcomes.models import AssetRecoveryKind, ClaimStatus, Grade, OutcomeKind


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(choices=OutcomeKind.choices, label="Outcome type")
    p = forms.ChoiceField(choices=P.choices, label="P", initial=P.PURSUE)
    occurred_on = forms.DateField(widget=forms.DateInput, label="Date")
    nominal = forms.IntegerField(
        required=False, label="Person (nominal id) for arrests, charges, summonses, convictions"
    )
    count = forms.IntegerField(required=False, min_value=1, initial=1, label="Number (victims, warnings)")
    quantity = forms.DecimalField(required=False, max_digits=14, decimal_places=2)
    unit = forms.CharField(required=False, max_length=10, help_text="g, kg, tablets, plants, items, rounds or GBP")
    drug_type = forms.CharField(required=False, max_length=60)
    asset_kind = forms.ChoiceField(required=False, choices=[("", "—"), *AssetRecoveryKind.choices])
    sentence = forms.CharField(required=False, max_length=200)
    partner = forms.CharField(required=False, max_length=120)
    notes = forms.CharField(required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk(self)


class OutcomeFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "Any type"), *OutcomeKind.choices])
    operation = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    p = forms.ChoiceField(required=False, choices=[("", "Any P"), *P.choices])
    sort = forms.CharField(required=False, max_length=30)


class DisruptionFilterForm(forms.Form):
    grade = forms.ChoiceField(required=False, choices=[("", "Any grade"), *Grade.choices])
    p = forms.ChoiceField(required=False, choices=[("", "Any P"), *P.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ClaimStatus.choices])
    sort = forms.CharField(required=False, max_length=30)


class DisruptionClaimForm(forms.Form):
    grade = forms.ChoiceField(
        choices=[(g.value, f"{g.label} — {grading.DEFINITIONS[g.value]}") for g in Grade],
        widget=forms.RadioSelect,
    )
    impact_weeks = forms.IntegerField(min_value=0, label="Expected impact (weeks)")
    p = forms.ChoiceField(choices=P.choices, label="P")
    description = forms.CharField(max_length=500)
    evidence = forms.CharField(widget=forms.Textarea, max_length=4000, required=False)
    occurred_on = forms.DateField(widget=forms.DateInput, label="Date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk(self)


class ValidateForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("yes", "Validate"), ("no", "Reject")], coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    reason = forms.CharField(required=False, max_length=1000, label="Reason (required to reject)")
