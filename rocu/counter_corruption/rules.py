"""The anomaly rules in force: thresholds read from a versioned file, checked at start.

The thresholds live in `anomaly_rules.toml` beside this module (kept in git, so every
change has a history), or in the file ROCU_ANOMALY_RULES names, for a region that
runs its own. The file is read and validated once when rocu starts (AppConfig.ready):
a missing, misspelt or out-of-range threshold stops rocu with a message naming the
key, rather than letting a scan judge people on rules nobody meant. Each alert keeps
the version and a fingerprint of the rules it was raised under.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from rocu.engines import anomalies
from rocu.engines.anomalies import Rules, RulesError

DEFAULT_PATH = Path(__file__).with_name("anomaly_rules.toml")
ENV = "ROCU_ANOMALY_RULES"


@dataclass(frozen=True)
class RulesInForce:
    rules: Rules
    fingerprint: str
    path: Path

    @property
    def version(self) -> str:
        return self.rules.version

    @property
    def label(self) -> str:
        return f"{self.rules.version} ({self.fingerprint})"


def rules_path() -> Path:
    configured = str(getattr(settings, "ANOMALY_RULES_FILE", "") or os.environ.get(ENV, "")).strip()
    return Path(configured) if configured else DEFAULT_PATH


def load_rules(path: Path | None = None) -> RulesInForce:
    """Read and check a rules file; ImproperlyConfigured says which file and which key is wrong."""
    path = path or rules_path()
    where = f"Anomaly rules file {path}" + (f" (from {ENV})" if path != DEFAULT_PATH else "")
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ImproperlyConfigured(f"{where}: no such file.") from None
    except OSError as exc:
        raise ImproperlyConfigured(f"{where}: cannot be read ({exc.strerror}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ImproperlyConfigured(f"{where}: not valid TOML ({exc}).") from None
    try:
        rules = anomalies.rules_from_mapping(data)
    except RulesError as exc:
        raise ImproperlyConfigured(f"{where}: {exc}.") from None
    return RulesInForce(rules=rules, fingerprint=anomalies.rules_fingerprint(rules), path=path)


_in_force: RulesInForce | None = None


def rules_in_force() -> RulesInForce:
    global _in_force
    if _in_force is None:
        _in_force = load_rules()
    return _in_force


def reload_rules() -> RulesInForce:
    """Read the rules file again (after ROCU_ANOMALY_RULES or the file changed)."""
    global _in_force
    _in_force = None
    return rules_in_force()
