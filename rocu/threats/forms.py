"""Forms validate input at the boundary; the services enforce the rules again."""

from __future__ import annotations

from typing import Any

from django import forms

from rocu.accounts.forms import GovukMixin
from rocu.accounts.models import Force, NeedToKnowGroup, UnitType, User
from rocu.core.classification import Classification
from rocu.core.concurrency import RowVersionFormMixin
from rocu.engines.scoring import Scale
from rocu.threats.models import (
    ActionStatus,
    Confidence,
    DecisionKind,
    Flag,
    HeldBy,
    Level,
    MeetingStatus,
    MemberRole,
    OCGStatus,
    ThreatType,
)

SORT_CHOICES = [
    ("priority", "Priority, highest first"),
    ("risk", "Risk, highest first"),
    ("harm", "Harm, highest first"),
    ("name", "Name"),
    ("assessed", "Most recently assessed"),
]


def _blank(choices: Any, label: str = "Any") -> list[tuple[str, str]]:
    return [("", label), *[(str(v), str(lb)) for v, lb in choices]]


class ThreatFilterForm(GovukMixin, forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    force = forms.ModelChoiceField(queryset=Force.objects.none(), required=False, empty_label="Any")
    threat_type = forms.ChoiceField(choices=_blank(ThreatType.choices), required=False, label="Type")
    level = forms.ChoiceField(
        choices=_blank([*Level.choices, ("none", "Not yet assessed")]), required=False, label="Assessed level"
    )
    flag = forms.ChoiceField(choices=_blank(Flag.choices), required=False)
    sort = forms.CharField(required=False, max_length=20)

    def __init__(self, *args: Any, region_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["force"].queryset = Force.objects.filter(region_id=region_id).order_by("name")  # type: ignore[attr-defined]


class SubjectForm(GovukMixin, RowVersionFormMixin):
    """A threat's or OCG's fields; on an edit it carries the row_version it was drawn from."""

    name = forms.CharField(max_length=200)
    area = forms.CharField(max_length=120, required=False)
    description = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    forces_affected = forms.ModelMultipleChoiceField(
        queryset=Force.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    classification = forms.ChoiceField(choices=Classification.choices, initial=Classification.OFFICIAL_SENSITIVE)
    need_to_know_group = forms.ModelChoiceField(
        queryset=NeedToKnowGroup.objects.none(), required=False, empty_label="None", label="Need-to-know group"
    )
    held_by = forms.ChoiceField(choices=HeldBy.choices, initial=HeldBy.ROCU, label="Held by")
    holding_force = forms.ModelChoiceField(
        queryset=Force.objects.none(), required=False, empty_label="—", help_text="Only when a force holds it"
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Me")
    lro = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="None yet", label="Lead responsible officer (LRO)"
    )

    def __init__(
        self, *args: Any, region_id: Any = None, groups: Any = None, versioned: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not versioned:  # a new record has no version to be stale against
            del self.fields["row_version"]
        forces = Force.objects.filter(region_id=region_id).order_by("name")
        people = User.objects.filter(region_id=region_id, is_active=True).order_by("last_name", "first_name")
        self.fields["forces_affected"].queryset = forces  # type: ignore[attr-defined]
        self.fields["holding_force"].queryset = forces  # type: ignore[attr-defined]
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["lro"].queryset = people  # type: ignore[attr-defined]
        self.fields["need_to_know_group"].queryset = groups if groups is not None else NeedToKnowGroup.objects.none()  # type: ignore[attr-defined]
        for name in ("owner", "lro"):
            self.fields[name].label_from_instance = lambda u: f"{u.display_name} ({u.username})"  # type: ignore[attr-defined]


class ThreatForm(SubjectForm):
    threat_type = forms.ChoiceField(choices=ThreatType.choices, label="Type of threat")
    field_order = ["name", "threat_type", "area"]


class OCGForm(SubjectForm):
    name = forms.CharField(max_length=200, label="Group name")
    threat_types = forms.MultipleChoiceField(
        choices=ThreatType.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Threat types"
    )
    status = forms.ChoiceField(choices=OCGStatus.choices, initial=OCGStatus.ACTIVE)
    field_order = ["name", "status", "threat_types", "area"]


class ScoreForm(GovukMixin, forms.Form):
    """Built from the scale in force, so a new scale version needs no form change."""

    def __init__(self, *args: Any, scale: Scale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        harm_choices = [(str(i), f"{i} – {label}") for i, label in enumerate(scale.harm_levels)]  # noqa: RUF001 - typographic dash in the UI
        for dim in scale.dimensions:
            self.fields[dim.key] = forms.TypedChoiceField(
                choices=harm_choices, coerce=int, label=dim.label, widget=forms.Select(attrs={"class": "govuk-select"})
            )
        self.fields["likelihood"] = forms.TypedChoiceField(
            choices=[(str(i), f"{i} – {label}") for i, label in enumerate(scale.likelihood_levels, start=1)],  # noqa: RUF001 - typographic dash in the UI
            coerce=int,
        )
        self.fields["confidence"] = forms.ChoiceField(
            choices=[(c, str(Confidence(c).label) if c in Confidence.values else c) for c in scale.confidence_levels]
        )
        one_to_five = [(str(i), str(i)) for i in range(1, 6)]
        self.fields["organisational_position"] = forms.TypedChoiceField(
            choices=one_to_five,
            coerce=int,
            initial="3",
            help_text="Capacity and capability to act: 1 little, 5 well placed. Adjusts priority, not risk.",
        )
        self.fields["opportunity"] = forms.TypedChoiceField(
            choices=one_to_five,
            coerce=int,
            initial="3",
            help_text="Opportunity to act now: 1 little, 5 strong. Adjusts priority, not risk.",
        )
        self.fields["rationale"] = forms.CharField(
            max_length=4000, widget=forms.Textarea(attrs={"rows": 5}), help_text="Why these scores: the evidence."
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "govuk-select" if isinstance(field.widget, forms.Select) else "")
        self.fields["rationale"].widget.attrs["class"] = "govuk-textarea"
        # The latest version the score is made from (0: the first score); a score made
        # blind to a newer one is refused as a conflict.
        self.fields["row_version"] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, label="Scored from version"
        )
        self.dimension_keys = [d.key for d in scale.dimensions]

    def harm_fields(self) -> list[Any]:
        return [self[k] for k in self.dimension_keys]

    def other_fields(self) -> list[Any]:
        return [self[k] for k in ("likelihood", "confidence", "organisational_position", "opportunity", "rationale")]


class ReviewForm(GovukMixin, forms.Form):
    outcome = forms.ChoiceField(
        choices=[("approve", "Approve"), ("return", "Return to the scorer")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required when returning"
    )


class MemberForm(GovukMixin, forms.Form):
    nominal = forms.CharField(max_length=20, label="Person record reference", help_text="For example NOM-000123")
    role = forms.ChoiceField(choices=MemberRole.choices, label="Role in the group")


class LinkForm(GovukMixin, forms.Form):
    other = forms.CharField(max_length=20, label="Linked OCG reference", help_text="For example OCG-000012")


class MeetingForm(GovukMixin, forms.Form):
    title = forms.CharField(max_length=160)
    held_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    changes_since = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Agenda covers changes since",
        help_text="Leave empty for the previous meeting's date",
    )
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args: Any, region_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(region_id=region_id, is_active=True, demo_login=True).order_by("last_name")
            | User.objects.filter(region_id=region_id, is_active=True, role_assignments__role="rocu_head")
        ).distinct()
        self.fields["members"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"  # type: ignore[attr-defined]


class MinutesForm(GovukMixin, forms.Form):
    minutes = forms.CharField(max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 8}))
    status = forms.ChoiceField(choices=MeetingStatus.choices)


class DecisionForm(GovukMixin, forms.Form):
    subject = forms.CharField(max_length=20, label="Threat or OCG reference", help_text="For example THR-000012")
    kind = forms.ChoiceField(choices=DecisionKind.choices, label="Decision")
    rationale = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.ModelChoiceField(queryset=User.objects.none(), empty_label="Choose an owner")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    new_level = forms.ChoiceField(
        choices=_blank(Level.choices, "—"), required=False, label="New level", help_text="For “move level”"
    )
    capability = forms.ChoiceField(
        choices=_blank(UnitType.choices, "—"), required=False, help_text="For “allocate a capability”"
    )
    lro = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="—",
        label="LRO",
        help_text="For “adopt as priority”: the lead responsible officer",
    )

    def __init__(self, *args: Any, region_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(region_id=region_id, is_active=True).order_by("last_name", "first_name")
        for name in ("owner", "lro"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = lambda u: f"{u.display_name} ({u.username})"  # type: ignore[attr-defined]


class ActionForm(GovukMixin, forms.Form):
    description = forms.CharField(max_length=500)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), empty_label="Choose an owner")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, region_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(region_id=region_id, is_active=True).order_by(  # type: ignore[attr-defined]
            "last_name", "first_name"
        )
        self.fields["owner"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"  # type: ignore[attr-defined]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ImportForm(GovukMixin, forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV, at most 2 MB")
    import_valid_rows = forms.BooleanField(
        required=False, label="If some rows have errors, import the valid rows anyway"
    )
