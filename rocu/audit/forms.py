from __future__ import annotations

from django import forms

from rocu.audit.models import Category


class EventFilterForm(forms.Form):
    actor = forms.CharField(max_length=150, required=False, label="Username")
    category = forms.ChoiceField(choices=[("", "Any"), *Category.choices], required=False)
    action = forms.CharField(max_length=80, required=False, label="Action starts with")
    object_type = forms.CharField(max_length=80, required=False, label="Record type")
    object_id = forms.CharField(max_length=64, required=False, label="Record id")
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.CharField(max_length=20, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


class ExportForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        label="Why you are exporting this",
        widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
    )
    recipient = forms.CharField(
        max_length=200,
        required=False,
        label="Who it is for (if not you)",
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
