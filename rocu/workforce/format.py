"""How money, FTE and rates read on pages and in exports."""

from __future__ import annotations


def money(pence: int | None) -> str:
    """Whole pounds with thousands separators: £1,234,567 (pence only matter in records)."""
    if pence is None:
        return "—"
    pounds = round(pence / 100)
    return f"-£{-pounds:,}" if pounds < 0 else f"£{pounds:,}"


def money_exact(pence: int | None) -> str:
    if pence is None:
        return "—"
    return f"£{pence // 100:,}.{pence % 100:02d}"


def fte(centi: int) -> str:
    return f"{centi / 100:,.2f}".rstrip("0").rstrip(".") if centi % 100 else f"{centi // 100:,}"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"
