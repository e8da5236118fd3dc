"""Forms validate input at the boundary; services enforce the rules again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from rocu.accounts.models import AccreditationKind, Force, PartnerAgency, PartnerKind, Region, Unit, UnitType, User
from rocu.core.classification import Vetting
from rocu.core.policy import Role


class GovukMixin:
    """Adds GOV.UK Frontend classes to widgets so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.Select):
                css = "govuk-select"
            elif isinstance(widget, forms.Textarea):
                css = "govuk-textarea"
            else:
                css = "govuk-input"
            widget.attrs.setdefault("class", css)


class SignInForm(GovukMixin, AuthenticationForm):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "spellcheck": "false"}),
    )


class TokenForm(GovukMixin, forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        max_length=6,
        label="Code from your authenticator app",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input govuk-input--width-5"}
        ),
    )


class PersonForm(GovukMixin, forms.Form):
    username = forms.RegexField(
        regex=r"^[a-zA-Z0-9_.-]{3,150}$",
        max_length=150,
        error_messages={"invalid": "Use 3 to 150 letters, digits, dots, dashes or underscores."},
    )
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    job_title = forms.CharField(max_length=120, required=False)
    region = forms.ModelChoiceField(queryset=Region.objects.none())
    force = forms.ModelChoiceField(queryset=Force.objects.none(), required=False)
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    partner = forms.ModelChoiceField(
        queryset=PartnerAgency.objects.none(), required=False, label="Partner agency (for a partner LRO)"
    )
    vetting = forms.ChoiceField(choices=Vetting.choices)
    vetting_expires = forms.DateField(
        required=False, label="Vetting expires", widget=forms.DateInput(attrs={"type": "date"})
    )
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(
        self, *args: Any, regions: Any, forces: Any, units: Any, partners: Any, editing: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["force"].queryset = forces  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        if editing:
            del self.fields["username"]
            del self.fields["roles"]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False)


class AccreditationForm(GovukMixin, forms.Form):
    kind = forms.ChoiceField(choices=AccreditationKind.choices)
    awarded = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    expires = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ActiveForm(GovukMixin, forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class GroupForm(GovukMixin, forms.Form):
    name = forms.CharField(max_length=120)
    purpose = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MemberForm(GovukMixin, forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")

    def __init__(self, *args: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class UnitForm(GovukMixin, forms.Form):
    name = forms.CharField(max_length=120)
    unit_type = forms.ChoiceField(choices=UnitType.choices, label="Type")


class PartnerForm(GovukMixin, forms.Form):
    name = forms.CharField(max_length=160)
    kind = forms.ChoiceField(choices=PartnerKind.choices)
    national = forms.BooleanField(required=False, label="National partner (not tied to this region)")


class PeopleFilterForm(forms.Form):
    """Query-string filters; unknown values fall back to defaults rather than fail."""

    q = forms.CharField(max_length=100, required=False)
    role = forms.ChoiceField(choices=[("", "Any role"), *Role.choices], required=False)
    active = forms.ChoiceField(choices=[("", "Any"), ("yes", "Active"), ("no", "Inactive")], required=False)
    sort = forms.CharField(max_length=30, required=False)
