"""Backup and restore through the CLI, on whichever database the suite runs on."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rocu.accounts.models import User
from rocu.audit.models import AuditEvent

# The backup reads committed data through its own connection (pg_dump, a snapshot);
# these tests write nothing before backing up, so what they see is the seeded region.
pytestmark = pytest.mark.django_db


def test_it_writes_a_backup_whose_restore_check_passes(tmp_path, capsys):
    call_command("backup", str(tmp_path / "bk"))
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["tables"]["accounts_user"] == User.objects.count()
    assert manifest["tables"]["audit_auditevent"] == AuditEvent.objects.count()
    call_command("restore", str(tmp_path / "bk"), "--check")
    assert "Restore check passed" in capsys.readouterr().out


def test_it_refuses_a_backup_whose_files_were_altered(tmp_path):
    call_command("backup", str(tmp_path / "bk"))
    db_file = next(p for p in (tmp_path / "bk").iterdir() if p.name.startswith("database."))
    db_file.write_bytes(db_file.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(tmp_path / "bk"), "--check")


def test_it_refuses_to_back_up_into_a_directory_in_use(tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "something").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "bk"))


def test_it_refuses_to_restore_over_a_database_with_data(tmp_path):
    call_command("backup", str(tmp_path / "bk"))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(tmp_path / "bk"))
