"""Forms check the shape of input; the services enforce the rules again."""

from __future__ import annotations

from typing import Any

from django import forms

from rocu.accounts.forms import GovukMixin
from rocu.accounts.models import Force, Region, UnitType, User
from rocu.core.concurrency import RowVersionFormMixin
from rocu.governance.models import (
    AccountableSubject,
    CounterCorruptionMeasureKind,
    FindingKind,
    InspectingBody,
    MeasureStatus,
    Outcome,
    Position,
    ProgressStatus,
    RecommendationTracking,
    ThreatArea,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ListFilterForm(forms.Form):
    """Query-string filters: bad values fall back to defaults rather than fail."""

    q = forms.CharField(max_length=100, required=False)
    sort = forms.CharField(max_length=30, required=False)


class InspectionFilterForm(ListFilterForm):
    body = forms.ChoiceField(choices=[("", "Any body"), *InspectingBody.choices], required=False)


class TrackingFilterForm(ListFilterForm):
    region = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    progress = forms.ChoiceField(choices=[("", "Any status"), *ProgressStatus.choices], required=False)
    mine = forms.BooleanField(required=False)
    overdue = forms.BooleanField(required=False)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Any region"), *((r.pk, r.name) for r in regions)]  # type: ignore[attr-defined]


class InspectionForm(GovukMixin, forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.ChoiceField(choices=InspectingBody.choices, label="Inspecting body")
    published = forms.DateField(label="Publication date", widget=DATE)
    scope = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(),
        required=False,
        label="ROCU inspected",
        empty_label="The whole ROCU network (thematic)",
    )

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


class FindingForm(GovukMixin, forms.Form):
    kind = forms.ChoiceField(choices=FindingKind.choices)
    reference = forms.CharField(max_length=60)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    paragraph_ref = forms.CharField(max_length=60, required=False, label="Paragraph reference")
    addressed_to = forms.CharField(max_length=300, required=False, label="Addressed to")
    due_date = forms.DateField(required=False, widget=DATE)


class ProposedFindingForm(FindingForm):
    """One proposed finding; the empty row at the end adds one, and an untouched or
    textless row is simply not kept."""

    keep = forms.BooleanField(required=False, initial=True, label="Keep this finding")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("kind", "reference", "text"):
            self.fields[name].required = False


ProposedFindingFormSet = forms.formset_factory(ProposedFindingForm, extra=1, max_num=2000, validate_max=True)


class ReportUploadForm(GovukMixin, forms.Form):
    file = forms.FileField(label="Inspection report or response (PDF or plain text)")


class ReportConfirmForm(InspectionForm):
    response_force = forms.ModelChoiceField(
        queryset=Force.objects.none(),
        required=False,
        label="Save the comments and response below as a draft response of",
        empty_label="No force (do not keep them)",
    )
    chief_constable_comments = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    pcc_response = forms.CharField(required=False, label="PCC's response", widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, forces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response_force"].queryset = forces  # type: ignore[attr-defined]


class ProgressForm(GovukMixin, RowVersionFormMixin):
    progress = forms.ChoiceField(
        choices=[c for c in ProgressStatus.choices if c[0] != ProgressStatus.COMPLETE], label="Progress status"
    )
    effective_date = forms.DateField(required=False, widget=DATE, help_text="Leave empty for today")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(GovukMixin, RowVersionFormMixin):
    outcome = forms.ChoiceField(choices=Outcome.choices, label="Outcome assessment")
    effective_date = forms.DateField(required=False, widget=DATE, help_text="Leave empty for today")
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Why you judge the outcome so"
    )


class EvidenceForm(GovukMixin, forms.Form):
    file = forms.FileField(help_text="PDF, Word, Excel, PNG, JPEG, text or CSV, up to 10 MB")
    description = forms.CharField(max_length=300)
    shared = forms.BooleanField(required=False, label="Share with other ROCUs")
    personal_data = forms.BooleanField(required=False, label="The file names or shows people")


class NoteForm(GovukMixin, forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(NoteForm):
    decision = forms.ChoiceField(choices=[("approve", "Approve closure"), ("reject", "Return to the owner")])


class AssignForm(GovukMixin, forms.Form):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    approver = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, help_text="Someone other than the owner"
    )
    due_date = forms.DateField(required=False, widget=DATE)
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["approver"].queryset = people  # type: ignore[attr-defined]


class RespondForm(forms.Form):
    force = forms.ModelChoiceField(queryset=Force.objects.none())

    def __init__(self, *args: Any, forces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = forces  # type: ignore[attr-defined]


class TextForm(GovukMixin, forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000)


class PositionForm(GovukMixin, forms.Form):
    finding = forms.IntegerField(widget=forms.HiddenInput)
    position = forms.ChoiceField(choices=Position.choices)
    reasons = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Needed unless accepted"
    )


class AppointForm(GovukMixin, forms.Form):
    region = forms.ModelChoiceField(queryset=Region.objects.none())
    subject = forms.ChoiceField(choices=AccountableSubject.choices, label="Accountable for")
    capability = forms.ChoiceField(choices=[("", "—"), *UnitType.choices], required=False)
    tracking = forms.ModelChoiceField(
        queryset=RecommendationTracking.objects.none(), required=False, label="Recommendation"
    )
    officer = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Person in rocu (optional)")
    officer_name = forms.CharField(max_length=150, required=False, label="Name and rank")
    starts = forms.DateField(widget=DATE)

    def __init__(self, *args: Any, regions: Any, trackings: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["tracking"].queryset = trackings  # type: ignore[attr-defined]
        self.fields["officer"].queryset = people  # type: ignore[attr-defined]


class MeasureForm(GovukMixin, forms.Form):
    kind = forms.ChoiceField(choices=CounterCorruptionMeasureKind.choices, label="Measure")
    title = forms.CharField(max_length=200)
    status = forms.ChoiceField(choices=MeasureStatus.choices)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    review_date = forms.DateField(required=False, widget=DATE)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class PracticeForm(GovukMixin, forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    threat = forms.ChoiceField(choices=ThreatArea.choices)
    capability = forms.ChoiceField(choices=UnitType.choices)


class PracticeFilterForm(ListFilterForm):
    threat = forms.ChoiceField(choices=[("", "Any threat"), *ThreatArea.choices], required=False)
    capability = forms.ChoiceField(choices=[("", "Any capability"), *UnitType.choices], required=False)


class AdoptForm(GovukMixin, forms.Form):
    adopted_on = forms.DateField(widget=DATE, label="Adopted on")
    note = forms.CharField(max_length=300, required=False)
