"""Forms for operation and plan pages; the services do the real checking."""

from __future__ import annotations

from typing import Any

from django import forms

from rocu.accounts.models import Force, User
from rocu.core.classification import Classification
from rocu.core.concurrency import RowVersionFormMixin
from rocu.core.policy import Role
from rocu.operations.models import ActionStatus, OperationStatus, P, Plan, PlanObjective, PlanStatus
from rocu.operations.templates_data import PLAN_TEMPLATES
from rocu.threats.models import OrganisedCrimeGroup, TaskingSubject, Threat


def govuk(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.Select) and not isinstance(w, forms.SelectMultiple):
            w.attrs.setdefault("class", "govuk-select")
        elif isinstance(w, forms.Textarea):
            w.attrs.setdefault("class", "govuk-textarea")
            w.attrs.setdefault("rows", "3")
        elif isinstance(w, forms.DateInput):
            w.input_type = "date"
            w.attrs.setdefault("class", "govuk-input govuk-input--width-10")
        elif not isinstance(w, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            w.attrs.setdefault("class", "govuk-input")
    return form


class OperationFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *OperationStatus.choices])
    flag = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), ("no_lro", "Operation without an LRO"), ("review_overdue", "Joint review overdue")],
    )
    sort = forms.CharField(required=False, max_length=30)


class OperationOpenForm(forms.Form):
    code_name = forms.CharField(max_length=80)
    summary = forms.CharField(required=False, widget=forms.Textarea, max_length=4000)
    sio = forms.ModelChoiceField(queryset=User.objects.none(), label="SIO (PIP3 accredited)")
    force = forms.ModelChoiceField(queryset=Force.objects.none(), label="Lead force")
    threat = forms.ModelChoiceField(queryset=Threat.objects.none(), required=False)
    ocg = forms.ModelChoiceField(queryset=OrganisedCrimeGroup.objects.none(), required=False, label="OCG")
    classification = forms.ChoiceField(choices=Classification.choices, initial=Classification.OFFICIAL_SENSITIVE)

    def __init__(self, *args: Any, region: Any, threats: Any, ocgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sio"].queryset = User.objects.filter(region=region, role_assignments__role=Role.SIO).distinct()  # type: ignore[attr-defined]
        self.fields["force"].queryset = Force.objects.filter(region=region)  # type: ignore[attr-defined]
        self.fields["threat"].queryset = threats  # type: ignore[attr-defined]
        self.fields["ocg"].queryset = ocgs  # type: ignore[attr-defined]
        govuk(self)


class DecisionForm(forms.Form):
    decision = forms.CharField(widget=forms.Textarea, max_length=4000)
    rationale = forms.CharField(widget=forms.Textarea, max_length=4000, required=False)
    corrects = forms.IntegerField(required=False, label="Corrects decision number", min_value=1)


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=OperationStatus.choices, label="New status")
    reason = forms.CharField(required=False, max_length=500)


class TeamForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")
    role = forms.CharField(max_length=80, initial="Investigator")


class JointReviewForm(forms.Form):
    held_on = forms.DateField(widget=forms.DateInput, label="Date held")
    attendees = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    agreed_pursue = forms.CharField(widget=forms.Textarea, required=False, max_length=2000, label="Agreed: Pursue")
    agreed_prevent = forms.CharField(widget=forms.Textarea, required=False, max_length=2000, label="Agreed: Prevent")
    agreed_protect = forms.CharField(widget=forms.Textarea, required=False, max_length=2000, label="Agreed: Protect")
    agreed_prepare = forms.CharField(widget=forms.Textarea, required=False, max_length=2000, label="Agreed: Prepare")


class PlanFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *PlanStatus.choices])
    sort = forms.CharField(required=False, max_length=30)


class PlanCreateForm(forms.Form):
    title = forms.CharField(max_length=200)
    subject = forms.ModelChoiceField(queryset=TaskingSubject.objects.none(), label="Priority (threat or OCG)")
    lro = forms.ModelChoiceField(queryset=User.objects.none(), label="LRO")
    template = forms.ChoiceField(
        required=False, choices=[("", "Start empty")] + [(k, v[0]) for k, v in PLAN_TEMPLATES.items()]
    )
    partners = forms.CharField(required=False, max_length=500)
    next_review_on = forms.DateField(required=False, widget=forms.DateInput)

    def __init__(self, *args: Any, region: Any, subjects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects  # type: ignore[attr-defined]
        self.fields["lro"].queryset = User.objects.filter(region=region, role_assignments__role=Role.LRO).distinct()  # type: ignore[attr-defined]
        govuk(self)


class PlanEditForm(RowVersionFormMixin):
    """A plan's own fields, with the row_version the page was drawn from."""

    title = forms.CharField(max_length=200)
    lro = forms.ModelChoiceField(queryset=User.objects.none(), label="LRO")
    partners = forms.CharField(required=False, max_length=500)
    status = forms.ChoiceField(choices=PlanStatus.choices)
    next_review_on = forms.DateField(required=False, widget=forms.DateInput, label="Next review")

    def __init__(self, *args: Any, region: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lro"].queryset = User.objects.filter(region=region, role_assignments__role=Role.LRO).distinct()  # type: ignore[attr-defined]
        govuk(self)


class PlanObjectiveForm(forms.Form):
    p = forms.ChoiceField(choices=P.choices, label="P")
    text = forms.CharField(max_length=500, label="Objective")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        govuk(self)


class PlanObjectiveEditForm(RowVersionFormMixin, PlanObjectiveForm):
    pass


class PlanActionForm(forms.Form):
    p = forms.ChoiceField(choices=P.choices, label="P")
    objective = forms.ModelChoiceField(
        queryset=PlanObjective.objects.none(), required=False, empty_label="No objective", label="Under objective"
    )
    description = forms.CharField(max_length=500)
    owner = forms.CharField(max_length=120, required=False, help_text="Person or partner responsible")
    due_on = forms.DateField(required=False, widget=forms.DateInput, label="Due")

    def __init__(self, *args: Any, plan: Plan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["objective"].queryset = PlanObjective.objects.filter(plan=plan)  # type: ignore[attr-defined]
        govuk(self)


class PlanActionEditForm(RowVersionFormMixin, PlanActionForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class LinkPlanForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(), required=False, empty_label="No plan (unlink)", label="4P plan"
    )

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        govuk(self)


class OperationActionForm(forms.Form):
    description = forms.CharField(max_length=500)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label="Owner (on the team)")
    due_on = forms.DateField(widget=forms.DateInput, label="Due")

    def __init__(self, *args: Any, team: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team  # type: ignore[attr-defined]
        govuk(self)
