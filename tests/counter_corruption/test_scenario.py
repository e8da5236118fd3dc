"""A month of ordinary work by 200 people with planted misuse, through the real audit trail."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from rocu.accounts.models import Region
from rocu.counter_corruption import scenario
from rocu.counter_corruption.models import Alert
from rocu.counter_corruption.scanning import anomaly_scan


def test_it_alerts_every_planted_misuse_and_under_one_percent_of_ordinary_people(db):
    region = Region.objects.get(code="south-west")
    built = scenario.build(region=region, prefix="t.month", users=200, days=30, end=timezone.localdate())
    assert built.events > 10_000

    result = anomaly_scan(actor_username="test", full=True)
    assert result.events >= built.events

    alerted = set(Alert.objects.values_list("subject_id", flat=True))
    planted = {name: user.pk for name, user in built.planted.items()}
    assert set(planted.values()) <= alerted, "every planted misuse is alerted"

    by_subject = {a.subject_id: a for a in Alert.objects.filter(subject_id__in=planted.values())}
    assert {r["rule"] for r in by_subject[planted["association"]].reasons} >= {"association_match", "no_work_link"}
    assert {r["rule"] for r in by_subject[planted["export"]].reasons} >= {"bulk_export", "out_of_hours"}
    assert {r["rule"] for r in by_subject[planted["fishing"]].reasons} >= {"fishing"}
    assert [built.ocg_member._meta.label_lower, str(built.ocg_member.pk)] in by_subject[planted["association"]].reasons[
        0
    ]["records"]

    ordinary = {u.pk for u in built.ordinary}
    false_alarms = ordinary & alerted
    assert len(false_alarms) < 0.01 * len(ordinary), f"{len(false_alarms)} of {len(ordinary)} ordinary people alerted"

    # A rescan raises nothing new, and an incremental scan with nothing new reads only its own trail.
    before = Alert.objects.count()
    again = anomaly_scan(actor_username="test")
    assert again.alerts_raised == 0
    assert Alert.objects.count() == before
    call_command("anomalies", "scan", "--full", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Alert.objects.count() == before


def test_it_scans_incrementally_to_the_same_alerts_as_a_full_scan(db):
    region = Region.objects.get(code="south-west")
    end = timezone.localdate()
    anomaly_scan(actor_username="test")  # the demo's events, out of the way
    first = scenario.build(region=region, prefix="t.inc", users=20, days=14, end=end - dt.timedelta(days=7))
    anomaly_scan(actor_username="test")
    scenario.build(region=region, prefix="t.inc", users=20, days=7, end=end, seed=5)
    anomaly_scan(actor_username="test")
    incremental = sorted(Alert.objects.values_list("subject_id", "day", "score"))
    Alert.objects.all().delete()
    anomaly_scan(actor_username="test", full=True)
    full = sorted(Alert.objects.values_list("subject_id", "day", "score"))
    assert incremental == full
    assert {first.planted["export"].pk, first.planted["fishing"].pk} <= {s for s, _, _ in full}
