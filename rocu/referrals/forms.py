from __future__ import annotations

from typing import Any

from django import forms

from rocu.accounts.forms import GovukMixin
from rocu.accounts.models import Force, PartnerAgency
from rocu.intelligence.models import MatchVerdict
from rocu.referrals.models import HandlingCode, ImportMode, ReferralStatus, ReferralTemplate, TriageDecision


class QueueFilterForm(forms.Form):
    q = forms.CharField(max_length=60, required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *ReferralStatus.choices], required=False)
    partner = forms.ModelChoiceField(queryset=PartnerAgency.objects.all(), required=False, empty_label="Any")
    assigned = forms.ChoiceField(choices=[("", "Anyone"), ("me", "Me"), ("none", "Nobody")], required=False)
    decision = forms.ChoiceField(choices=[("", "Any"), *TriageDecision.choices], required=False)
    overdue = forms.BooleanField(required=False)
    sort = forms.CharField(max_length=20, required=False)


class ParcelReferralForm(GovukMixin, forms.Form):
    """The Border Force parcel template typed in by hand: the seizure, then sender and recipient."""

    partner = forms.ModelChoiceField(queryset=PartnerAgency.objects.all(), empty_label=None)
    partner_reference = forms.CharField(max_length=60, label="Seizure reference")
    received_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    seizure_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    port = forms.CharField(max_length=100, required=False, label="Port or hub")
    commodity = forms.CharField(max_length=100)
    quantity = forms.DecimalField(max_digits=12, decimal_places=2, required=False, min_value=0)
    unit = forms.CharField(max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for role in ("sender", "recipient"):
            for name, field in _person_fields().items():
                self.fields[f"{role}_{name}"] = field
                field.label = f"{role.title()}: {field.label or name.replace('_', ' ')}"
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            )

    def subjects(self) -> list[dict[str, Any]]:
        out = []
        for role in ("sender", "recipient"):
            person = {k: self.cleaned_data.get(f"{role}_{k}") for k in _person_fields()}
            if any(person.values()):
                out.append({**{k: v or "" for k, v in person.items()}, "role": role, "date_of_birth": person["dob"]})
        return out

    def head(self) -> dict[str, Any]:
        keys = ("partner_reference", "received_on", "seizure_date", "port", "commodity", "quantity", "unit")
        return {k: self.cleaned_data.get(k) for k in keys}


def _person_fields() -> dict[str, forms.Field]:
    return {
        "first_name": forms.CharField(max_length=100, required=False, label="first name"),
        "surname": forms.CharField(max_length=100, required=False, label="surname"),
        "dob": forms.DateField(required=False, label="date of birth", widget=forms.DateInput(attrs={"type": "date"})),
        "address": forms.CharField(max_length=200, required=False, label="address"),
        "town": forms.CharField(max_length=100, required=False, label="town"),
        "postcode": forms.CharField(max_length=10, required=False, label="postcode"),
        "phone": forms.CharField(max_length=30, required=False, label="phone"),
        "email": forms.CharField(max_length=254, required=False, label="email"),
    }


class ImportForm(GovukMixin, forms.Form):
    partner = forms.ModelChoiceField(queryset=PartnerAgency.objects.all(), empty_label=None)
    template = forms.ChoiceField(choices=ReferralTemplate.choices)
    mode = forms.ChoiceField(choices=ImportMode.choices, widget=forms.RadioSelect, initial=ImportMode.ALL_OR_NOTHING)
    file = forms.FileField(help_text="CSV (UTF-8) or XLSX, with the template's columns.")


class AssignForm(GovukMixin, forms.Form):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Nobody", label="Assign to"
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class TriageForm(GovukMixin, forms.Form):
    decision = forms.ChoiceField(choices=TriageDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    force = forms.ModelChoiceField(
        queryset=Force.objects.select_related("region"), required=False, label="Receiving force"
    )
    handling_code = forms.ChoiceField(choices=[("", "—"), *HandlingCode.choices], required=False)
    handling_conditions = forms.CharField(max_length=500, required=False, label="Handling conditions (code C)")
    partner = forms.ModelChoiceField(queryset=PartnerAgency.objects.all(), required=False, label="Partner")


class DecideForm(forms.Form):
    verdict = forms.ChoiceField(choices=[*MatchVerdict.choices, ("withdraw", "Withdraw")])
    reason = forms.CharField(max_length=500, required=False)
