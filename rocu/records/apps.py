from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "rocu.records"
    label = "records"
    verbose_name = "Records review and retention"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.intelligence.models import Nominal
        from rocu.records import demo, home  # noqa: F401 - registers the seeder and panel
        from rocu.records.permissions import PERSONAL, RECORDS_REVIEW, SUBJECT_ACCESS
        from rocu.records.registry import SubjectFields, register_retained_model

        for role in (Role.AUDITOR, Role.ROCU_HEAD):
            policy.register_role_permissions(role, {RECORDS_REVIEW, SUBJECT_ACCESS})
        policy.register_personal_permissions(PERSONAL)
        register_nav(NavEntry("Records review", "records:queue", RECORDS_REVIEW, 92))
        register_nav(NavEntry("Subject access", "records:sars", SUBJECT_ACCESS, 93))

        # intelligence.Nominal is the person record of today; other apps register theirs.
        register_retained_model(
            Nominal,
            kind_label="Person record (nominal)",
            personal_fields=(
                "first_name",
                "surname",
                "date_of_birth",
                "aliases",
                "address",
                "town",
                "postcode",
                "phone",
                "email",
            ),
            subject=SubjectFields(
                surname="surname",
                first_name="first_name",
                date_of_birth="date_of_birth",
                address="address",
                postcode="postcode",
                aliases="aliases",
            ),
            reference_field="reference",
        )
