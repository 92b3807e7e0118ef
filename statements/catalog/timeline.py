"""When statements were written: their number by month, drawn as SVG bars on the server (no
JavaScript), with the same figures as a table for screen readers and print.

A statement dated only by its year is counted in that year, on a bar of its own ("2019, month
not known"), never on January; an undated one is counted apart, never placed on a guessed
date. Over more than ``MONTHS_UP_TO`` years the bars are years (a month bar would be a hair
wide on a phone), each split into the statements whose month is known and those whose is not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, QuerySet, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from statements.core import locales

MONTHS_UP_TO = 12  # years spanned that are still drawn month by month
WIDTH, HEIGHT, AXIS = 720, 160, 22  # the drawing's own units (it scales to the page)

# The address a bar links to, for a period given as partial dates ("2019", "2019-03").
Linker = Callable[[str, str], str]


@dataclass
class Bar:
    label: str  # what a screen reader hears: "March 2019: 4 statements"
    period: str  # the period alone: "March 2019", "2019, month not known"
    count: int
    url: str
    kind: str  # "month", "year" or "yearonly"
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    # For a year bar: the part whose month is not known, drawn apart on top.
    part_y: float = 0.0
    part_height: float = 0.0


@dataclass
class Timeline:
    bars: list[Bar] = field(default_factory=list)
    undated: int = 0
    undated_url: str = ""
    by_month: bool = True
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (x, year) under the bars
    width: int = WIDTH
    height: int = HEIGHT
    axis: int = AXIS
    sampled: int = 0  # >0: drawn from the first this many matches only

    @property
    def axis_y(self) -> int:
        return self.height - self.axis

    @property
    def tick_y(self) -> int:
        return self.height - 6

    @property
    def empty(self) -> bool:
        return not self.bars and not self.undated


def timeline_counts(queryset: QuerySet) -> tuple[dict[tuple[int, int | None], int], int]:
    """Counts of ``queryset``'s statements by (year, month), the month None when only the
    year is known, and the undated ones: one query."""
    rows = (
        queryset.order_by()
        .values(
            year=ExtractYear("date_start"),
            month=Case(
                When(date_precision__in=["month", "day"], then=ExtractMonth("date_start")),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .annotate(count=Count("pk"))
        .values_list("year", "month", "count")
    )
    counts, undated = {}, 0
    for year, month, count in rows:
        if year is None:
            undated += count
        else:
            counts[(year, month)] = count
    return counts, undated


def timeline_from_summary(years: dict[int, int], months: dict[str, int]) -> dict:
    """The archive summary's counts (years; months as "YYYY-MM", for statements dated at
    least to the month) as timeline_counts gives them."""
    counts: dict[tuple[int, int | None], int] = {}
    known: dict[int, int] = defaultdict(int)
    for key, count in months.items():
        year, month = (int(part) for part in key.split("-"))
        counts[(year, month)] = count
        known[year] += count
    for year, count in years.items():
        if count > known[year]:
            counts[(year, None)] = count - known[year]
    return counts


def timeline_build(
    counts: dict[tuple[int, int | None], int],
    *,
    undated: int,
    link: Linker,
    undated_url: str = "",
    sampled: int = 0,
) -> Timeline:
    """The bars of these counts, laid out in the drawing's units."""
    timeline = Timeline(undated=undated, undated_url=undated_url, sampled=sampled)
    if not counts:
        return timeline
    first = min(year for year, _month in counts)
    last = max(year for year, _month in counts)
    timeline.by_month = last - first + 1 <= MONTHS_UP_TO
    if timeline.by_month:
        slots = _month_slots(counts, first, last, link)
    else:
        slots = _year_slots(counts, first, last, link)
    _layout(timeline, slots)
    return timeline


def _number(count: int) -> str:
    return formats.number_format(count, force_grouping=True)


def _said(period: str, count: int) -> str:
    statements = ngettext("%(count)s statement", "%(count)s statements", count) % {
        "count": _number(count)
    }
    return f"{period}: {statements}"


def _month_slots(counts, first: int, last: int, link: Linker) -> list[tuple[str, Bar | None]]:
    slots: list[tuple[str, Bar | None]] = []
    for year in range(first, last + 1):
        for month in range(1, 13):
            count = counts.get((year, month), 0)
            period = locales.format_month(year, month)
            key = f"{year:04d}-{month:02d}"
            bar = (
                Bar(_said(period, count), period, count, link(key, key), "month") if count else None
            )
            slots.append((locales.format_year(year) if month == 1 else "", bar))
        count = counts.get((year, None), 0)
        if count:
            period = _("%(year)s, month not known") % {"year": locales.format_year(year)}
            bar = Bar(_said(period, count), period, count, link(str(year), str(year)), "yearonly")
            slots.append(("", bar))
    return slots


def _year_slots(counts, first: int, last: int, link: Linker) -> list[tuple[str, Bar | None]]:
    totals: dict[int, int] = defaultdict(int)
    unknown: dict[int, int] = defaultdict(int)
    for (year, month), count in counts.items():
        totals[year] += count
        if month is None:
            unknown[year] += count
    step = 10 if last - first > 60 else 5
    slots: list[tuple[str, Bar | None]] = []
    for year in range(first, last + 1):
        count = totals.get(year, 0)
        tick = locales.format_year(year) if year % step == 0 else ""
        if not count:
            slots.append((tick, None))
            continue
        period = locales.format_year(year)
        label = _said(period, count)
        if unknown[year]:
            label += " " + _("(%(count)s with the month not known)") % {
                "count": _number(unknown[year])
            }
        bar = Bar(label, period, count, link(str(year), str(year)), "year")
        bar.part_height = unknown[year]  # in statements until laid out
        slots.append((tick, bar))
    return slots


def _layout(timeline: Timeline, slots: Iterable[tuple[str, Bar | None]]) -> None:
    slots = list(slots)
    most = max((bar.count for _tick, bar in slots if bar), default=1)
    slot = WIDTH / max(len(slots), 1)
    gap = 1 if slot > 3 else 0
    for index, (tick, bar) in enumerate(slots):
        x = round(index * slot, 2)
        if tick:
            timeline.ticks.append((x, tick))
        if bar is None:
            continue
        height = max(2.0, (HEIGHT - AXIS - 4) * bar.count / most)
        bar.x, bar.width = x, round(max(slot - gap, 0.8), 2)
        bar.height = round(height, 2)
        bar.y = round(HEIGHT - AXIS - height, 2)
        if bar.kind == "year" and bar.part_height:
            part = height * bar.part_height / bar.count
            bar.part_height, bar.part_y = round(part, 2), bar.y
        timeline.bars.append(bar)
