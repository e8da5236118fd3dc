from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "rocu.referrals"
    label = "referrals"
    verbose_name = "Referrals and triage"
