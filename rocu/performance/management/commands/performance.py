"""`rocu performance pcc-report --period 2025-Q3 --out FILE.pdf`: the PCC quarterly report as PDF."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rocu.accounts.models import Force, Region
from rocu.engines import metrics as m
from rocu.performance import pcc, selectors


class Command(BaseCommand):
    help = "Performance reports: pcc-report builds the PCC quarterly report as a PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["pcc-report"])
        parser.add_argument("--period", required=True, help="a quarter of a financial year, e.g. 2025-Q3")
        parser.add_argument("--out", required=True, help="where to write the PDF")
        parser.add_argument("--region", default="south-west", help="region code (default south-west)")
        parser.add_argument("--force", default="", help="force code, for one force's share")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = m.parse_period(options["period"])
        except m.PeriodError as exc:
            raise CommandError(str(exc)) from None
        if period.kind != "quarter":
            raise CommandError("The PCC report covers a quarter: give one such as 2025-Q3.")
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"There is no region with code {options['region']!r}.")
        scope = selectors.DashboardScope(region.name, (region.pk,), None, f"region-{region.pk}")
        if options["force"]:
            force = Force.objects.filter(code=options["force"], region=region).first()
            if force is None:
                raise CommandError(f"There is no force with code {options['force']!r} in {region.name}.")
            scope = selectors.DashboardScope(force.name, (region.pk,), force.pk, f"force-{force.pk}")
        from weasyprint import HTML

        pdf = HTML(string=pcc.report_html(scope, period, disclosure_control=True)).write_pdf()
        with open(options["out"], "wb") as handle:
            handle.write(pdf)
        self.stdout.write(f"Wrote the PCC report for {scope.label}, {period.label}, to {options['out']}.")
