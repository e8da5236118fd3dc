from __future__ import annotations

from typing import Any

from django import forms

from rocu.accounts.forms import GovukMixin
from rocu.accounts.models import NeedToKnowGroup
from rocu.core.classification import Classification
from rocu.intelligence.models import DataSubjectCategory


class NominalForm(GovukMixin, forms.Form):
    subject_category = forms.ChoiceField(choices=DataSubjectCategory.choices, label="Category of data subject")
    first_name = forms.CharField(max_length=100, required=False)
    surname = forms.CharField(max_length=100)
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    aliases = forms.CharField(max_length=300, required=False, help_text="Other names, separated by commas")
    address = forms.CharField(max_length=200, required=False)
    town = forms.CharField(max_length=100, required=False)
    postcode = forms.RegexField(
        regex=r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
        max_length=10,
        required=False,
        error_messages={"invalid": "Enter a UK postcode, like PL1 1AA."},
    )
    phone = forms.RegexField(
        regex=r"^[0-9 +()-]{6,30}$",
        max_length=30,
        required=False,
        error_messages={"invalid": "Enter a phone number using digits, spaces and + ( ) -."},
    )
    email = forms.EmailField(max_length=254, required=False)
    classification = forms.ChoiceField(choices=Classification.choices, initial=Classification.OFFICIAL_SENSITIVE)
    need_to_know_group = forms.ModelChoiceField(
        queryset=NeedToKnowGroup.objects.none(), required=False, label="Need-to-know group"
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need_to_know_group"].queryset = groups  # type: ignore[attr-defined]


class NominalSearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False)
    category = forms.ChoiceField(choices=[("", "Any"), *DataSubjectCategory.choices], required=False)
    sort = forms.CharField(max_length=20, required=False)


class HoldingsUploadForm(GovukMixin, forms.Form):
    source = forms.CharField(
        max_length=80,
        label="Source system",
        help_text="The force system the extract comes from, e.g. Devon and Cornwall Niche",
    )
    replace = forms.BooleanField(
        required=False,
        label="Replace this source's records",
        help_text="Without this, rows update the person with the same person_id and new people are added.",
    )
    file = forms.FileField(
        label="Extract (CSV)",
        help_text="Columns person_id, first_name, surname, dob, address, town, postcode, phone, email; UTF-8.",
    )
