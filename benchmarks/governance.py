"""Ingesting a 200-page inspection report PDF, with progress, beside bare text extraction.

The PDF is made here (WeasyPrint from generated HTML: the seed's kind of findings and
recommendations among pages of inspection prose), so no large binary is committed. A
fresh SQLite database is migrated and seeded; then, in one child process, the ROCU
head's upload goes through `report_upload` and its background job (run in-process with
ROCU_TASKS_IMMEDIATE), which reads every page with pypdf, reports progress and proposes
the findings. The reference is pypdf's text extraction of the same file on its own:
the floor any ingestion has to pay.

    python -m benchmarks.governance           # make the PDF, seed, measure, print a table
    python -m benchmarks.governance --json    # measure against the database in the environment
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from typing import Any

from benchmarks import Row, child_env, print_table, rocu, run_child_json

MODULE = "benchmarks.governance"
PAGES = 200
TARGET_S = 30.0
RECOMMENDATIONS = 40

PROSE = (
    "Inspectors examined how the unit assesses threat, risk and harm, how it allocates its specialist "
    "capabilities through tasking and co-ordination, and how it works with forces and partners. Staff "
    "described the pressures of fixed-term funding and the difficulty of planning beyond the financial year. "
)


def report_html(pages: int = PAGES, recommendations: int = RECOMMENDATIONS) -> str:
    """About `pages` A4 pages: prose, with a cause of concern, dated recommendations and
    areas for improvement spread through the report as HMICFRS sets them out."""
    months = ["January", "March", "June", "September", "December"]
    parts = ["<h1>An inspection of the effectiveness of the Regional Organised Crime Units</h1>"]
    parts.append("<p>The report was published on 10th February 2021 and a response is due by 7th April 2021.</p>")
    every = max(1, (pages - 1) // recommendations)
    for page in range(1, pages):
        parts.append('<section style="page-break-before: always">')
        parts.append(f"<h2>Chapter {page}</h2>")
        if page == 3:
            parts.append("<p>Lack of a sustainable funding model \u2013 Highlighted as a 'cause of concern'</p>")
        if page % every == 0 and page // every <= recommendations:
            n = page // every
            parts.append(f"<p>Recommendation {n}</p>")
            parts.append(
                f"<p>By {months[n % len(months)]} {2022 + n % 3}, chief constables should make sure that "
                f"systems are in place for item {n} of the inspection's findings.</p>"
            )
        if page % 7 == 0:
            parts.append(f"<p>Area for improvement {page // 7}: forces should share performance information.</p>")
        parts.extend(f"<p>{PROSE * 2}</p>" for _ in range(4))
        parts.append("</section>")
    style = "@page { size: A4; margin: 20mm } body { font-family: sans-serif; font-size: 10.5pt }"
    return f"<html><head><style>{style}</style></head><body>{''.join(parts)}</body></html>"


def make_pdf(pages: int = PAGES) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=report_html(pages)).write_pdf())


def measure(pdf_path: str) -> dict[str, Any]:
    import io

    import django

    django.setup()
    from pypdf import PdfReader

    from rocu.accounts.models import User
    from rocu.core.models import Job, JobStatus
    from rocu.governance import services
    from rocu.governance.models import ReportUpload

    with open(pdf_path, "rb") as fh:
        content = fh.read()
    began = time.perf_counter()
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        page.extract_text()
    bare_s = time.perf_counter() - began

    upload = io.BytesIO(content)
    upload.name = "inspection-200-pages.pdf"
    upload.size = len(content)  # type: ignore[attr-defined]
    head = User.objects.get(username="head")
    progress_updates: list[int] = []
    from rocu.core import jobs

    original = jobs.JobReporter.progress

    def counting(self: Any, done: int, total: int | None = None, message: str | None = None, **kw: Any) -> None:
        progress_updates.append(done)
        original(self, done, total, message, **kw)

    jobs.JobReporter.progress = counting  # type: ignore[method-assign]
    began = time.perf_counter()
    record = services.report_upload(actor=head, upload=upload)
    ingest_s = time.perf_counter() - began
    record = ReportUpload.objects.get(pk=record.pk)
    job = Job.objects.get(pk=record.job_id)
    if job.status != JobStatus.SUCCEEDED:
        raise RuntimeError(f"the ingestion job ended {job.status}: {job.error}")
    kinds: dict[str, int] = {}
    for f in record.proposal["findings"]:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    return {
        "pages": record.pages,
        "bytes": len(content),
        "ingest_s": ingest_s,
        "bare_s": bare_s,
        "progress_calls": len(progress_updates),
        "progress_saved_to": job.progress_done,
        "findings": kinds,
    }


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="rocu-bench-gov-") as data_dir:
        began = time.perf_counter()
        pdf = make_pdf()
        make_s = time.perf_counter() - began
        pdf_path = f"{data_dir}/report.pdf"
        with open(pdf_path, "wb") as fh:
            fh.write(pdf)
        env = child_env(ROCU_DATA_DIR=data_dir, ROCU_DEMO="1", ROCU_TASKS_IMMEDIATE="1")
        rocu(["migrate", "--no-input", "-v", "0"], env)
        rocu(["seed-demo", "--quiet"], env)
        r = run_child_json(MODULE, env, "--pdf", pdf_path)
    recs = r["findings"].get("recommendation", 0)
    return [
        Row(
            name=f"ingest a {r['pages']}-page PDF report (upload, job with progress, proposals)",
            figure=f"{r['ingest_s']:.1f} s ({r['pages'] / r['ingest_s']:.0f} pages/s)",
            reference=f"pypdf text extraction alone {r['bare_s']:.1f} s",
            target=f"< {TARGET_S:.0f} s",
            met=r["ingest_s"] < TARGET_S,
            note=(
                f"SQLite; PDF of {r['bytes'] / 1e6:.1f} MB made by WeasyPrint in {make_s:.0f} s; "
                f"{r['progress_calls']} progress reports, last saved at page {r['progress_saved_to']}; "
                f"proposed {recs} of {RECOMMENDATIONS} recommendations, findings by kind {r['findings']}"
            ),
        )
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="measure the database in the environment, print JSON")
    parser.add_argument("--pdf", help="the PDF to ingest (made by run())")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(args.pdf)))
    else:
        print_table(run())
