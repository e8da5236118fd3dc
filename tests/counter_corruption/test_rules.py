"""Anomaly thresholds come from a versioned rules file, checked at start, recorded on alerts."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from rocu.audit.models import AuditEvent, Category
from rocu.audit.services import audit_record
from rocu.counter_corruption import rules as rules_module
from rocu.counter_corruption.models import Alert, ScanState
from rocu.counter_corruption.scanning import anomaly_scan
from rocu.engines import anomalies

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = rules_module.DEFAULT_PATH.read_text()


@pytest.fixture
def rules_file(tmp_path, monkeypatch):
    """Point ROCU_ANOMALY_RULES at a copy of the shipped file with some lines replaced."""

    def write(replace: dict[str, str]) -> Path:
        text = SHIPPED
        for old, new in replace.items():
            assert old in text, old
            text = text.replace(old, new, 1)
        path = tmp_path / "rules.toml"
        path.write_text(text)
        monkeypatch.setenv(rules_module.ENV, str(path))
        rules_module.reload_rules()
        return path

    yield write
    monkeypatch.delenv(rules_module.ENV, raising=False)
    rules_module.reload_rules()


def _empty_searches(user, n):
    for _ in range(n):
        audit_record(
            actor=user,
            category=Category.CONSULTATION,
            action="intelligence.nominal.list",
            object_type="intelligence.nominal",
            detail={"ids": [], "searched": True, "results": 0},
        )


def test_it_ships_rules_equal_to_the_engines_defaults():
    shipped = rules_module.load_rules(rules_module.DEFAULT_PATH)
    assert shipped.rules == anomalies.DEFAULT_RULES
    assert rules_module.rules_in_force().fingerprint == anomalies.rules_fingerprint(anomalies.DEFAULT_RULES)


def test_it_records_the_rules_version_and_fingerprint_on_each_alert_and_scan(persona):
    anomaly_scan(actor_username="test")
    _empty_searches(persona("disruption"), 10)
    anomaly_scan(actor_username="test")
    alert = Alert.objects.get(subject=persona("disruption"), rules__icontains='"fishing"')
    in_force = rules_module.rules_in_force()
    assert (alert.rules_version, alert.rules_fingerprint) == (in_force.version, in_force.fingerprint)
    assert ScanState.objects.get(pk=1).rules_fingerprint == in_force.fingerprint
    scan_event = AuditEvent.objects.filter(action="counter_corruption.scan").order_by("-seq").first()
    assert scan_event.detail["rules"] == in_force.version
    assert scan_event.detail["rules_fingerprint"] == in_force.fingerprint


def test_it_fires_by_the_thresholds_in_the_file_in_force(persona, rules_file):
    anomaly_scan(actor_username="test")  # the demo's own events, out of the way
    rules_file({'version = "anomalies-v1"': 'version = "relaxed-1"', "floor = 8": "floor = 12"})
    assert rules_module.rules_in_force().rules.fishing_floor == 12
    _empty_searches(persona("disruption"), 10)
    anomaly_scan(actor_username="test")
    assert not Alert.objects.filter(subject=persona("disruption"), rules__icontains='"fishing"').exists()

    # The same ten searches under a stricter file: now they alert, and say which rules.
    rules_file({'version = "anomalies-v1"': 'version = "strict-1"', "floor = 8": "floor = 5"})
    anomaly_scan(actor_username="test", full=True)
    alert = Alert.objects.get(subject=persona("disruption"), rules__icontains='"fishing"')
    assert alert.rules_version == "strict-1"
    assert "Ran 10 searches that found nobody" in alert.reasons[0]["text"]


def test_it_notes_when_the_rules_changed_since_the_last_full_scan(db, rules_file):
    first = anomaly_scan(actor_username="test", full=True)
    assert not first.rules_changed_since_full_scan
    rules_file({'version = "anomalies-v1"': 'version = "later-1"', "day_ends = 20": "day_ends = 19"})
    later = anomaly_scan(actor_username="test")
    assert later.rules_changed_since_full_scan
    assert later.rules.startswith("later-1 (")


@pytest.mark.parametrize(
    ("replace", "message"),
    [
        ({"floor = 8": "floor = -1"}, r"fishing\.floor: must be a whole number from 0"),
        ({"day_starts = 7": "day_start = 7"}, r"\[out_of_hours\]: unknown setting\(s\): day_start"),
        ({"alert_score = 50": "alert_score = 'fifty'"}, "alert_score: must be a whole number"),
        ({"[reasons]": "[reasons"}, "not valid TOML"),
    ],
)
def test_it_refuses_a_bad_rules_file_with_a_message_naming_the_file_and_key(tmp_path, replace, message):
    text = SHIPPED
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        rules_module.load_rules(path)
    assert str(path) in str(caught.value)


def test_it_refuses_a_missing_rules_file(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="no such file"):
        rules_module.load_rules(tmp_path / "absent.toml")


def test_it_stops_rocu_at_start_on_a_bad_rules_file(tmp_path):
    """`rocu check` (as any start: runserver, gunicorn, a worker) fails before serving anything."""
    bad = tmp_path / "bad.toml"
    bad.write_text(SHIPPED.replace("score = 80", "score = 'high'"))
    env = {**os.environ, rules_module.ENV: str(bad), "ROCU_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert f"Anomaly rules file {bad} (from ROCU_ANOMALY_RULES): bulk_export.score: must be a whole number" in (
        done.stderr
    )
    good = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**env, rules_module.ENV: str(rules_module.DEFAULT_PATH)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert good.returncode == 0, good.stderr


def test_it_prints_the_rules_in_force(capsys):
    from django.core.management import call_command

    call_command("anomalies", "rules")
    out = capsys.readouterr().out
    assert "Rules anomalies-v1 (" in out
    assert "fishing.floor = 8" in out
    parsed = tomllib.loads(SHIPPED)
    assert parsed["version"] == "anomalies-v1"
