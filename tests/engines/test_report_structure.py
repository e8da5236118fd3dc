"""Proposing findings from report text: the seed, and the house conventions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rocu.engines import report_structure as rs

# The inspection summary the project was seeded with, kept beside the tests so a clone anywhere runs them.
SEED = Path(__file__).resolve().parents[1] / "data" / "000_15a6d0866c0ff4f9.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_it_finds_the_seeds_three_recommendations_due_february_2022():
    result = rs.extract(seed_text())
    recs = result.of_kind(rs.RECOMMENDATION)
    assert len(recs) == 3
    assert all(r.due_date == dt.date(2022, 2, 28) for r in recs)
    assert "senior investigating officers (SIOs) and lead responsible officers (LROs)" in recs[0].text
    assert "chief officer is appointed" in recs[1].text
    assert "sustainable funding model" in recs[2].text
    assert "Enables ROCUs" in recs[2].text
    assert recs[0].addressed_to == ("Chief constables",)
    assert recs[2].addressed_to == ("Home Office",)


def test_it_finds_the_seeds_cause_of_concern():
    concerns = rs.extract(seed_text()).of_kind(rs.CAUSE_OF_CONCERN)
    assert [c.text for c in concerns] == ["Lack of a sustainable funding model"]


def test_it_reads_the_seeds_dates_title_and_response_sections():
    result = rs.extract(seed_text())
    assert result.title.startswith("An inspection of the effectiveness of the Regional Organised Crime Units")
    assert result.published == dt.date(2021, 2, 10)
    assert result.response_due == dt.date(2021, 4, 7)
    assert result.inspecting_body == "HMICFRS"
    assert "recommendation 1, with which I do not agree" in result.chief_constable_comments
    assert result.pcc_response.startswith("I welcome this report")
    assert "Chief Constable" not in result.pcc_response[:20]


def test_it_reads_numbered_recommendations_areas_for_improvement_and_accelerated_concerns():
    text = """Inspection of Somewhere ROCU

Accelerated cause of concern
The ROCU cannot show that its covert capabilities are lawfully authorised.

Recommendation 1
By March 2023, the head of the ROCU should review every authorisation.

Area for improvement 2: The ROCU should improve how it records disruptions.

Areas for improvement
• Performance information is not shared with forces.

Innovative practice
• A joint economic crime hub with the local authority.
"""
    result = rs.extract(text)
    assert [(f.kind, f.reference) for f in result.findings] == [
        (rs.ACCELERATED_CAUSE_OF_CONCERN, "Accelerated cause of concern 1"),
        (rs.RECOMMENDATION, "Recommendation 1"),
        (rs.AREA_FOR_IMPROVEMENT, "Area for improvement 2"),
        (rs.AREA_FOR_IMPROVEMENT, "Area for improvement 3"),
        (rs.GOOD_PRACTICE, "Good practice 1"),
    ]
    rec = result.of_kind(rs.RECOMMENDATION)[0]
    assert rec.due_date == dt.date(2023, 3, 31)
    assert rec.addressed_to == ("ROCU heads",)
    assert len(result.of_kind(rs.AREA_FOR_IMPROVEMENT)) == 2
    assert result.of_kind(rs.GOOD_PRACTICE)[0].text.startswith("A joint economic crime hub")


def test_it_marks_an_inline_accelerated_cause_of_concern():
    result = rs.extract(
        "Title\n\nCovert authorities out of date \u2013 highlighted as an 'accelerated cause of concern'\n"
    )
    assert [f.kind for f in result.findings] == [rs.ACCELERATED_CAUSE_OF_CONCERN]


def test_it_gives_page_and_paragraph_references_for_pages():
    pages = ["Report title\n\nIntro paragraph.", "Recommendations\n\n• By June 2024, the NCA should share data."]
    rec = rs.extract(pages).of_kind(rs.RECOMMENDATION)[0]
    assert rec.paragraph_ref == "page 2, paragraph 1"
    assert rec.addressed_to == ("NCA",)
    assert rec.due_date == dt.date(2024, 6, 30)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=2000))
def test_it_never_fails_on_any_text(text):
    result = rs.extract(text)
    assert len({f.reference for f in result.findings}) == len(result.findings)
    for f in result.findings:
        assert f.kind in rs.KIND_LABELS
        assert f.text == f.text.strip()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(rs.MONTHS)),
            st.integers(2000, 2099),
            st.sampled_from(["the Home Office", "chief constables"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_it_finds_every_dated_recommendation_with_its_month_end(recs):
    text = "Report\n\nRecommendations\n\n" + "\n\n".join(
        f"• By {m.capitalize()} {y}, {who} should act on item {i}." for i, (m, y, who) in enumerate(recs)
    )
    found = rs.extract(text).of_kind(rs.RECOMMENDATION)
    assert len(found) == len(recs)
    for f, (m, y, _) in zip(found, recs, strict=True):
        assert f.due_date is not None
        assert (f.due_date.year, f.due_date.month) == (y, rs.MONTHS[m])
        assert (f.due_date + dt.timedelta(days=1)).day == 1


def test_it_splits_paragraphs_in_text_without_blank_lines_as_pdfs_give_it():
    page = (
        "Chapter 3\n"
        "Lack of a sustainable funding model \u2013 Highlighted as a 'cause of concern'\n"
        "Inspectors examined how the unit assesses threat, risk and harm, how it\n"
        "allocates its capabilities.\n"
        "Recommendation 4\n"
        "By June 2023, the Home Office should agree a funding model with the\n"
        "NPCC.\n"
        "Staff described the pressures of fixed-term funding.\n"
    )
    result = rs.extract(["Title page", page])
    assert [(f.kind, f.text) for f in result.findings] == [
        (rs.CAUSE_OF_CONCERN, "Lack of a sustainable funding model"),
        (rs.RECOMMENDATION, "By June 2023, the Home Office should agree a funding model with the NPCC."),
    ]
    assert result.findings[1].reference == "Recommendation 4"
