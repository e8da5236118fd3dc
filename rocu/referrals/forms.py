from __future__ import annotations

from typing import Any

from django import forms

from rocu.accounts.forms import GovukMixin
from rocu.accounts.models import Force, PartnerAgency
from rocu.core.concurrency import RowVersionFormMixin
from rocu.intelligence.models import MatchVerdict
from rocu.referrals import intake
from rocu.referrals.models import HandlingCode, ImportMode, ReferralStatus, ReferralTemplate, TriageDecision


class QueueFilterForm(forms.Form):
    q = forms.CharField(max_length=60, required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *ReferralStatus.choices], required=False)
    partner = forms.ModelChoiceField(queryset=PartnerAgency.objects.all(), required=False, empty_label="Any")
    assigned = forms.ChoiceField(choices=[("", "Anyone"), ("me", "Me"), ("none", "Nobody")], required=False)
    decision = forms.ChoiceField(choices=[("", "Any"), *TriageDecision.choices], required=False)
    overdue = forms.BooleanField(required=False)
    sort = forms.CharField(max_length=20, required=False)


HEAD_LABELS: dict[str, dict[str, str]] = {
    ReferralTemplate.BORDER_FORCE_PARCEL: {"partner_reference": "Seizure reference", "port": "Port or hub"},
    ReferralTemplate.PARTNER_GENERAL: {
        "partner_reference": "Partner's reference",
        "summary": "What the partner reports",
    },
}


def _head_field(name: str, required: bool) -> forms.Field:
    date = forms.DateInput(attrs={"type": "date"})
    if name in ("received_on", "seizure_date"):
        return forms.DateField(required=required, widget=date, label=name.replace("_", " ").capitalize())
    if name == "quantity":
        return forms.DecimalField(max_digits=12, decimal_places=2, required=required, min_value=0)
    if name == "summary":
        return forms.CharField(
            max_length=intake.HEAD_LIMITS[name], required=required, widget=forms.Textarea(attrs={"rows": 4})
        )
    return forms.CharField(max_length=intake.HEAD_LIMITS.get(name, 200), required=required)


class ReferralForm(GovukMixin, forms.Form):
    """One referral typed in by hand, with the fields of its partner template.

    The fields come from the template's definition (rocu.referrals.intake.TEMPLATES):
    its head columns, then each person role (sender and recipient for a parcel, the
    subject for other partners) with the person fields.
    """

    partner = forms.ModelChoiceField(queryset=PartnerAgency.objects.all(), empty_label=None)

    def __init__(self, *args: Any, template: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        spec = intake.TEMPLATES[template]
        labels = HEAD_LABELS.get(template, {})
        self.head_names = list(spec["head"])
        for name in self.head_names:
            field = _head_field(name, name in spec["required"])
            field.label = labels.get(name) or field.label or name.replace("_", " ").capitalize()
            self.fields[name] = field
        self.roles = [str(role) for role in spec["roles"]]
        for role in self.roles:
            for name, field in _person_fields().items():
                self.fields[f"{role}_{name}"] = field
                field.label = f"{role.title()}: {field.label or name.replace('_', ' ')}"
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("class", "govuk-textarea")
            field.widget.attrs.setdefault(
                "class", "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            )

    def head_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ["partner", *self.head_names]]

    def role_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(role.title(), [self[f"{role}_{name}"] for name in _person_fields()]) for role in self.roles]

    def subjects(self) -> list[dict[str, Any]]:
        out = []
        for role in self.roles:
            person = {k: self.cleaned_data.get(f"{role}_{k}") for k in _person_fields()}
            if any(person.values()):
                out.append({**{k: v or "" for k, v in person.items()}, "role": role, "date_of_birth": person["dob"]})
        return out

    def head(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in self.head_names}


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


class AssignForm(GovukMixin, RowVersionFormMixin):
    """Who works the referral; carries the row_version the page was drawn from."""

    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Nobody", label="Assign to"
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = _person  # type: ignore[attr-defined]


def _person(user: Any) -> str:
    """A person as a choice: their name, and their username to tell two of a name apart."""
    name = user.display_name
    return name if name == user.username else f"{name} ({user.username})"


class TriageForm(GovukMixin, RowVersionFormMixin):
    """The triage decision; carries the row_version the page was drawn from."""

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
