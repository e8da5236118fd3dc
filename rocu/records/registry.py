"""Which models hold personal data, and how records management treats them.

Each app that keeps records about people registers its model once, in its
AppConfig.ready():

    register_retained_model(Parcel, kind_label="Parcel referral subject",
                            personal_fields=("sender_name", "recipient_address"),
                            subject=SubjectFields(surname="recipient_surname", postcode="recipient_postcode"),
                            group_fn=lambda parcel: 2 if parcel.contains_weapons else None)

Field names may cross relations ("referral__region") where a record keeps them on
its parent.

Registration gives every row a review group and date (retention), a place in subject
access searches (DPA 2018 s.45), identifying keys for the counter-corruption scan, and
a recipe for disposal: which fields are erased and to what.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.signals import post_save


@dataclass(frozen=True)
class SubjectFields:
    """Field names that identify the person a record is about ("" when the model has none)."""

    surname: str = ""
    first_name: str = ""
    date_of_birth: str = ""
    address: str = ""
    postcode: str = ""
    aliases: str = ""


@dataclass(frozen=True)
class RetainedModel:
    model: type[models.Model]
    object_type: str
    kind_label: str
    personal_fields: tuple[str, ...]
    subject: SubjectFields
    group_fn: Callable[[Any], int | None]
    created_field: str
    changed_field: str
    reference_field: str
    region_field: str = "region"
    extra: dict[str, Any] = field(default_factory=dict)

    def erased_values(self) -> dict[str, Any]:
        """What each personal field becomes on disposal: empty, never a copy."""
        values: dict[str, Any] = {}
        for name in self.personal_fields:
            f = self.model._meta.get_field(name)
            values[name] = None if getattr(f, "null", False) else ""
        return values

    def reference(self, obj: Any) -> str:
        return str(follow(obj, self.reference_field) or obj.pk)

    def region_id(self, obj: Any) -> Any:
        return follow(obj, f"{self.region_field}_id") if self.region_field else None

    def created(self, obj: Any) -> Any:
        return follow(obj, self.created_field)

    def changed(self, obj: Any) -> Any:
        return follow(obj, self.changed_field)

    def related(self) -> list[str]:
        """Relations the paths above cross, for select_related when many rows are read."""
        paths = (self.reference_field, self.region_field, self.created_field, self.changed_field)
        return sorted({p.rsplit("__", 1)[0] for p in paths if "__" in p})


def follow(obj: Any, path: str) -> Any:
    """A field of a record or of a record it points at ("referral__created_at"); None past an empty link."""
    value = obj
    for name in path.split("__"):
        if value is None:
            return None
        value = getattr(value, name, None)
    return value


_REGISTRY: dict[str, RetainedModel] = {}


def register_retained_model(
    model: type[models.Model],
    *,
    personal_fields: tuple[str, ...],
    subject: SubjectFields,
    kind_label: str | None = None,
    group_fn: Callable[[Any], int | None] | None = None,
    created_field: str = "created_at",
    changed_field: str = "updated_at",
    reference_field: str = "pk",
    region_field: str = "region",
) -> RetainedModel:
    object_type = f"{model._meta.app_label}.{model._meta.model_name}"
    entry = RetainedModel(
        model=model,
        object_type=object_type,
        kind_label=kind_label or str(model._meta.verbose_name).capitalize(),
        personal_fields=tuple(personal_fields),
        subject=subject,
        group_fn=group_fn or (lambda _obj: None),
        created_field=created_field,
        changed_field=changed_field,
        reference_field=reference_field,
        region_field=region_field,
    )
    _REGISTRY[object_type] = entry
    post_save.connect(_on_save, sender=model, dispatch_uid=f"records.retention.{object_type}")
    return entry


def _on_save(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Every saved record gets (or refreshes) its review group and date at once."""
    if raw:
        return
    from rocu.records.services import retention_register

    retention_register(obj=instance)


def retained_models() -> list[RetainedModel]:
    return sorted(_REGISTRY.values(), key=lambda e: e.object_type)


def retained_model(object_type: str) -> RetainedModel | None:
    return _REGISTRY.get(object_type)


def personal_object_types() -> frozenset[str]:
    return frozenset(_REGISTRY)
