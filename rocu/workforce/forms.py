"""Forms of the workforce pages: they parse input; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rocu.engines import funding
from rocu.workforce.models import (
    CapabilityCode,
    ContractType,
    FundingLine,
    FundingSource,
    ImportKind,
    PostStatus,
)
from rocu.workforce.selectors import RISK_CHOICES

DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


def _govuk(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "govuk-select")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "govuk-textarea")
            widget.attrs.setdefault("rows", 3)
        elif isinstance(widget, forms.ClearableFileInput):
            widget.attrs.setdefault("class", "govuk-file-upload")
        elif isinstance(widget, forms.CheckboxInput):
            continue
        else:
            widget.attrs.setdefault("class", "govuk-input")


def pounds_to_pence(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class PostFilterForm(forms.Form):
    """Query-string filters; unknown values fall back to defaults rather than fail."""

    q = forms.CharField(max_length=100, required=False)
    capability = forms.ChoiceField(choices=[("", "Any capability"), *CapabilityCode.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *PostStatus.choices], required=False)
    risk = forms.ChoiceField(choices=RISK_CHOICES, required=False)
    funding_line = forms.IntegerField(required=False, min_value=1, max_value=10**12)
    sort = forms.CharField(max_length=30, required=False)


class FundingLineForm(forms.Form):
    code = forms.SlugField(max_length=40, help_text="A short code the finance export uses, such as ho-core.")
    name = forms.CharField(max_length=160)
    source = forms.ChoiceField(choices=FundingSource.choices)
    funder = forms.CharField(max_length=120, required=False)
    start_date = forms.DateField(required=False, widget=DATE)
    end_date = forms.DateField(required=False, widget=DATE, help_text="The last day it pays for anything.")
    notes = forms.CharField(max_length=500, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _govuk(self)


class AllocationForm(forms.Form):
    financial_year = forms.TypedChoiceField(coerce=int, choices=[])
    amount = forms.DecimalField(
        label="Amount (£)", min_value=Decimal(0), max_digits=13, decimal_places=2, help_text="In pounds, e.g. 1250000"
    )
    confirmed = forms.BooleanField(required=False, label="Confirmed (not only indicative)")

    def __init__(self, *args: Any, this_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(this_year - 3, this_year + 6)
        self.fields["financial_year"].choices = [(y, funding.fy_label(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["financial_year"].initial = this_year
        _govuk(self)


class CapabilityMinimumForm(forms.Form):
    capability = forms.IntegerField(min_value=1, max_value=10**12)
    minimum_fte = forms.DecimalField(min_value=Decimal(0), max_digits=6, decimal_places=2)


class PostForm(forms.Form):
    reference = forms.CharField(max_length=40)
    capability: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None)
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, required=False)
    title = forms.CharField(max_length=120)
    rank_or_grade = forms.CharField(max_length=60, label="Rank or grade")
    fte = forms.DecimalField(label="FTE", min_value=Decimal("0.01"), max_value=Decimal(1), decimal_places=2)
    annual_cost = forms.DecimalField(label="Annual cost (£)", min_value=Decimal(0), max_digits=11, decimal_places=2)
    funding_line: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None)
    status = forms.ChoiceField(choices=PostStatus.choices)
    holder_name = forms.CharField(max_length=160, required=False, label="Person in post")
    staff_number = forms.CharField(max_length=30, required=False)
    contract_type = forms.ChoiceField(choices=[("", "—"), *ContractType.choices], required=False)
    contract_start = forms.DateField(required=False, widget=DATE)
    contract_end = forms.DateField(required=False, widget=DATE)

    def __init__(self, *args: Any, capabilities: Any, units: Any, lines: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capability"].queryset = capabilities  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["funding_line"].queryset = lines  # type: ignore[attr-defined]
        _govuk(self)

    def service_arguments(self) -> tuple[dict[str, Any], dict[str, Any] | None]:
        data = self.cleaned_data
        fields = {
            "reference": data["reference"].strip(),
            "capability": data["capability"],
            "unit": data["unit"],
            "title": data["title"],
            "rank_or_grade": data["rank_or_grade"],
            "fte": data["fte"],
            "annual_cost_pence": pounds_to_pence(data["annual_cost"]),
            "funding_line": data["funding_line"],
            "status": data["status"],
        }
        holder = None
        if data["holder_name"] or data["contract_type"]:
            holder = {
                "name": data["holder_name"],
                "staff_number": data["staff_number"],
                "contract_type": data["contract_type"],
                "contract_start": data["contract_start"],
                "contract_end": data["contract_end"],
            }
        return fields, holder


class ScenarioForm(forms.Form):
    """A name, a day to assess, and a 'not renewed from' date for each line it changes."""

    name = forms.CharField(max_length=120)
    assess_on = forms.DateField(
        required=False, widget=DATE, label="Assess on", help_text="Leave empty for the latest date below."
    )
    notes = forms.CharField(max_length=500, required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, lines: list[FundingLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            ends = f", ends {line.end_date:%-d %b %Y}" if line.end_date else ", no end date"
            self.fields[f"line_{line.pk}"] = forms.DateField(
                required=False, widget=DATE, label=f"{line.name}{ends}", help_text="Not renewed from"
            )
        _govuk(self)

    def line_fields(self) -> list[Any]:
        return [self[f"line_{line.pk}"] for line in self.lines]

    def changes(self) -> list[tuple[FundingLine, Any]]:
        return [(line, d) for line in self.lines if (d := self.cleaned_data.get(f"line_{line.pk}"))]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.RadioSelect, label="What the file is")
    file = forms.FileField(label="CSV file", help_text="Up to 5 MB.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload"
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
