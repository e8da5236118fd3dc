from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "rocu.records"
    label = "records"
    verbose_name = "Records review and retention"

    def ready(self) -> None:
        from rocu.core import policy
        from rocu.core.navigation import NavEntry, register_nav
        from rocu.core.policy import Role
        from rocu.intelligence.models import HoldingRecord, Nominal
        from rocu.outcomes.models import Outcome
        from rocu.records import demo, home  # noqa: F401 - registers the seeder and panel
        from rocu.records.permissions import PERSONAL, RECORDS_REVIEW, SUBJECT_ACCESS
        from rocu.records.registry import SubjectFields, register_retained_model
        from rocu.referrals.models import ReferralSubject

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
        person = ("first_name", "surname", "date_of_birth", "address", "town", "postcode", "phone", "email")
        subject = SubjectFields(
            surname="surname",
            first_name="first_name",
            date_of_birth="date_of_birth",
            address="address",
            postcode="postcode",
        )
        # A force system's extract, as imported; reviewed from the day it was last imported.
        register_retained_model(
            HoldingRecord,
            kind_label="Intelligence holding (force extract)",
            personal_fields=person,
            subject=subject,
            created_field="source__imported_at",
            changed_field="source__imported_at",
            reference_field="person_id",
        )
        # Senders and recipients named on partner referrals.
        register_retained_model(
            ReferralSubject,
            kind_label="Referral subject",
            personal_fields=person,
            subject=subject,
            created_field="referral__created_at",
            changed_field="referral__created_at",
            reference_field="referral__reference",
            region_field="referral__region",
        )
        # An outcome names its person through the nominal; sentence and notes may describe them.
        register_retained_model(
            Outcome,
            kind_label="Outcome",
            personal_fields=("nominal", "sentence", "notes"),
            subject=SubjectFields(
                surname="nominal__surname",
                first_name="nominal__first_name",
                date_of_birth="nominal__date_of_birth",
                postcode="nominal__postcode",
            ),
            reference_field="pk",
        )
