"""The load test's users: who does what, and how often, against a running rocu.

Run by `python -m reliability load` (which starts gunicorn on PostgreSQL with the demo
at --scale 50 and reads the figures back); on its own:

    ROCU_LOAD_PASSWORD=... ROCU_LOAD_TOKENS='{"head": "...", "disruption": "..."}' \
        locust -f reliability/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8765

The mix follows the issue: analysts browsing and searching, disruption officers
importing and triaging, managers opening dashboards, and API clients. Every request is
named by route (ids replaced by {id}) so the figures group per endpoint. A 409 from a
triage that lost a race to another officer is the designed answer, counted as a success
under its own name; every other 4xx or 5xx is an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = os.environ.get("ROCU_LOAD_PASSWORD", "rocu-demo-password")
TOKENS: dict[str, str] = json.loads(os.environ.get("ROCU_LOAD_TOKENS", "{}"))
SEARCHES = ["smith", "jones", "county lines", "firearms", "fraud", "cocaine", "exeter", "bristol", "zzzz-nothing"]
_refs = itertools.count()
# Seconds between one action and the next. People read a page before they click again:
# an analyst 3-10 s, a disruption officer working the queue 3-8 s, a manager reading a
# dashboard 5-15 s; an integration polls every 2-5 s. ROCU_LOAD_PACE divides them all
# (2: twice as fast), to find where the service saturates.
_PACE = float(os.environ.get("ROCU_LOAD_PACE", "1"))
THINK = {
    who: (low / _PACE, high / _PACE)
    for who, (low, high) in {"analyst": (3, 10), "officer": (3, 8), "manager": (5, 15), "api": (2, 5)}.items()
}


class SignedInUser(HttpUser):
    """A person who signs in through the sign-in page, as a browser would."""

    abstract = True
    usernames: tuple[str, ...] = ()
    username = ""

    def on_start(self) -> None:
        username = self.username = random.choice(self.usernames)
        self.client.get("/accounts/sign-in/", name="sign-in page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/sign-in/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/sign-in/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in as {username} answered {response.status_code}")

    def ids(self, path: str, pattern: str, name: str) -> list[str]:
        page = self.client.get(path, name=name)
        return re.findall(pattern, page.text) if page.ok else []


class Analyst(SignedInUser):
    weight = 4
    wait_time = between(*THINK["analyst"])
    usernames = ("analyst", "analyst2")

    @task(3)
    def threat_picture(self) -> None:
        ids = self.ids("/threats/", r'href="/threats/(\d+)/"', "/threats/")
        if ids:
            self.client.get(f"/threats/{random.choice(ids)}/", name="/threats/{id}/")

    @task(2)
    def search_people(self) -> None:
        self.client.get("/people-of-interest/", params={"q": random.choice(SEARCHES)}, name="/people-of-interest/?q=")

    @task(3)
    def referral_queue(self) -> None:
        ids = self.ids("/referrals/?sort=-received", r'href="/referrals/(\d+)/"', "/referrals/")
        if ids:
            self.client.get(f"/referrals/{random.choice(ids)}/", name="/referrals/{id}/")

    @task(1)
    def operations(self) -> None:
        self.client.get("/operations/", name="/operations/")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")


class DisruptionOfficer(SignedInUser):
    """Imports small batches of referrals and triages the checked ones, by the API."""

    weight = 2
    wait_time = between(*THINK["officer"])
    usernames = ("disruption",)

    def on_start(self) -> None:
        super().on_start()
        self.api = {"Authorization": f"Bearer {TOKENS.get('disruption', '')}"}
        partners = self.client.get("/api/v1/partners/", headers=self.api, name="/api/v1/partners/").json()
        self.partner = next(p["id"] for p in partners["results"] if p["name"] == "Border Force")
        header = self.client.get("/referrals/templates/border_force_parcel.csv", name="/referrals/templates/{t}.csv")
        self.columns = header.text.lstrip("\ufeff").splitlines()[0].split(",")

    def _row(self, ref: str) -> str:
        values = {
            "partner_reference": ref,
            "seizure_date": "2026-10-01",
            "port": "Heathrow",
            "commodity": "Cocaine",
            "quantity": "1.5",
            "unit": "kg",
        }
        person = {"first_name": random.choice(["Ann", "Bob", "Cara"]), "surname": random.choice(["Penrose", "Hale"])}
        cells = []
        for column in self.columns:
            key = column.split("_", 1)[1] if column.startswith(("sender_", "recipient_")) else column
            cells.append(values.get(column, person.get(key, "")))
        return ",".join(cells)

    @task(1)
    def import_batch(self) -> None:
        batch = f"LOAD-{uuid.uuid4().hex[:8]}"
        rows = [self._row(f"{batch}-{next(_refs)}") for _ in range(5)]
        body = (",".join(self.columns) + "\n" + "\n".join(rows) + "\n").encode()
        self.client.post(
            "/api/v1/referrals/imports/",
            headers=self.api,
            data={"partner": self.partner, "template": "border_force_parcel", "mode": "valid_rows"},
            files={"file": (f"{batch}.csv", body, "text/csv")},
            name="/api/v1/referrals/imports/ (POST)",
        )

    @task(3)
    def triage(self) -> None:
        listing = self.client.get(
            "/api/v1/referrals/", params={"status": "checked"}, headers=self.api, name="/api/v1/referrals/?status="
        )
        if not listing.ok or not listing.json()["results"]:
            return
        referral = random.choice(listing.json()["results"])
        with self.client.post(
            f"/api/v1/referrals/{referral['id']}/triage/",
            json={
                "decision": "nfa",
                "reason": "Load test: no link to current threats",
                "row_version": referral["row_version"],
            },
            headers=self.api,
            name="/api/v1/referrals/{id}/triage/",
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                response.success()  # another officer got there first: the designed answer

    @task(2)
    def queue(self) -> None:
        self.client.get("/referrals/", params={"status": "checked"}, name="/referrals/?status=")


class Manager(SignedInUser):
    weight = 2
    wait_time = between(*THINK["manager"])
    usernames = ("head", "pcc", "national", "forcelead")

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/performance/", name="/performance/")

    @task(1)
    def national(self) -> None:
        # The consistency view is the national lead's (others get 403 by design).
        if self.username == "national":
            self.client.get("/performance/national/", name="/performance/national/")

    @task(1)
    def funnel(self) -> None:
        with self.client.get("/referrals/funnel/", name="/referrals/funnel/", catch_response=True) as r:
            if r.status_code == 404:
                r.success()

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")


class ApiClient(HttpUser):
    """A force system reading rocu's API with a bearer token."""

    weight = 2
    wait_time = between(*THINK["api"])

    def on_start(self) -> None:
        self.api = {"Authorization": f"Bearer {TOKENS.get('head', '')}"}

    @task(2)
    def threats(self) -> None:
        self.client.get("/api/v1/threats/", headers=self.api, name="/api/v1/threats/")

    @task(2)
    def referrals(self) -> None:
        self.client.get("/api/v1/referrals/", headers=self.api, name="/api/v1/referrals/")

    @task(1)
    def operations(self) -> None:
        self.client.get("/api/v1/operations/", headers=self.api, name="/api/v1/operations/")

    @task(1)
    def me(self) -> None:
        self.client.get("/api/v1/me/", headers=self.api, name="/api/v1/me/")
