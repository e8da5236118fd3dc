"""No one reaches another region's records by guessing ids.

The South West's detail pages and API detail endpoints are found by crawling as its
ROCU head (and listing the API as them); then the same role in the North East, with
the same vetting, asks for each by id. The answer is 404 and the body never carries
the record's reference. Records that are national by design (inspections and their
findings, partner agencies, forces, regions, shared evidence) are listed and left out.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from rocu.accounts.models import Force, Region, RoleAssignment, User
from tests.conftest import sign_in
from tests.reliability.crawl import crawl

REFERENCE = re.compile(rb"\b[A-Z]{2,5}-\d{4,}(?:-\d+)?\b")
ID_IN_PATH = re.compile(r"/\d+(/|$)")
# National by design: reference data every signed-in user reads (regions, forces,
# units, partners), the governance library shared across the network (inspections,
# findings, good practice), aggregates, and the caller's own jobs and account.
NATIONAL = re.compile(
    r"^/(governance/(inspections|findings|public|good-practice)/|organisations/|jobs/|performance/|accounts/me/"
    r"|api/v1/(regions|forces|units|partners|metrics|governance/(inspections|findings|good-practice))/)"
)


def mirror(username: str) -> User:
    """The same person, roles and vetting, but in the North East ROCU."""
    original = User.objects.get(username=username)
    region = Region.objects.get(code="north-east")
    other = User.objects.create(
        username=f"ne-{username}",
        region=region,
        force=Force.objects.filter(region=region).first() if original.force_id else None,
        vetting=original.vetting,
        vetting_expires=original.vetting_expires,
        job_title=original.job_title,
        first_name="North",
        last_name="East",
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=other, role=r.role) for r in original.role_assignments.all()]
    )
    return other


def own_detail_urls(client: Client, limit: int) -> dict[str, set[bytes]]:
    """Detail pages of the owner's region with the references each shows."""
    found = {}
    for page in crawl(client, limit=limit, per_prefix=6):
        detail = ID_IN_PATH.search(page.url) and not NATIONAL.match(page.url)
        if detail and page.status == 200 and "html" in page.content_type:
            found[page.url] = set(REFERENCE.findall(page.body))
    return found


def own_api_details(client: Client) -> dict[str, set[bytes]]:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    found = {}
    for path, ops in schema["paths"].items():
        if "get" not in ops or "{" in path or NATIONAL.match(path):
            continue
        detail = next((p for p in schema["paths"] if p in (path + "{id}/", path + "{seq}/")), None)
        if detail is None:
            continue
        response = client.get(path)
        if response.status_code != 200:
            continue
        body = response.json()
        rows = body.get("results", []) if isinstance(body, dict) else body
        for row in rows[:2]:
            if isinstance(row, dict) and "id" in row:
                url = re.sub(r"\{[^}]+\}", str(row["id"]), detail)
                found[url] = {str(row.get("reference", "")).encode()} - {b""}
    return found


@pytest.mark.parametrize(
    ("username", "limit"),
    [
        ("head", 120),
        pytest.param("analyst", 250, marks=pytest.mark.reliability_full),
        pytest.param("disruption", 250, marks=pytest.mark.reliability_full),
        pytest.param("head", 600, marks=pytest.mark.reliability_full, id="head-long"),
    ],
)
def test_another_regions_records_are_not_found_by_id(client_for, username, limit):
    owner = client_for(username)
    targets = own_detail_urls(owner, limit) | own_api_details(owner)
    assert len(targets) >= 10
    guesser = sign_in(Client(raise_request_exception=False), mirror(username))
    failures = []
    for url, references in sorted(targets.items()):
        response = guesser.get(url)
        if response.status_code != 404:
            failures.append(f"{url}: {response.status_code}")
            continue
        leaked = [r for r in references if r in response.content]
        if leaked:
            failures.append(f"{url}: 404 but shows {leaked}")
    assert not failures, "\n".join(failures)
