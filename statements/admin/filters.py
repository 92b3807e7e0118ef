"""The list filters of the statements' and authors' admin."""

import re

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from statements.core.dates import PartialDate, Precision
from statements.core.languages import language_name
from statements.models import Author, Authorship, Statement, Tag


class IssuedFilter(admin.SimpleListFilter):
    """The date of issue, drilled down as the public archive shows partial dates: a year,
    then its months, with the statements dated by the year alone apart ("2025, no month")
    rather than filed under January as a date hierarchy would."""

    title = "date of issue"
    parameter_name = "date"
    template = "admin/statements/date_filter.html"

    def _parsed(self) -> tuple[int, int | None, bool] | None:
        value = self.value() or ""
        if found := re.fullmatch(r"(\d{4})(?:-(\d{2})|-(year))?", value):
            month = int(found[2]) if found[2] else None
            if month is None or 1 <= month <= 12:
                return int(found[1]), month, bool(found[3])
        return None

    def lookups(self, request, model_admin):
        parsed = self._parsed()
        years = Statement.objects.dates("date_start", "year", order="DESC")
        choices = [(str(day.year), str(day.year)) for day in years]
        if parsed is None:
            return choices
        year = parsed[0]
        in_year = Statement.objects.filter(date_start__year=year)
        months = in_year.exclude(date_precision=Precision.YEAR).dates("date_start", "month")
        drill = [(f"{year}-{d.month:02d}", PartialDate(year, d.month).display()) for d in months]
        if in_year.filter(date_precision=Precision.YEAR).exists():
            drill.append((f"{year}-year", _("%(year)s, no month") % {"year": year}))
        at = next((i for i, (value, _label) in enumerate(choices) if value == str(year)), None)
        if at is None:
            return [*choices, *drill]
        return [*choices[: at + 1], *drill, *choices[at + 1 :]]

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        for choice, (value, _label) in zip(choices[1:], self.lookup_choices, strict=False):
            choice["drill"] = "-" in value  # a month, or the year alone: under its year
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        parsed = self._parsed()
        if parsed is None:
            return queryset.none()
        year, month, year_only = parsed
        queryset = queryset.filter(date_start__year=year)
        if year_only:
            return queryset.filter(date_precision=Precision.YEAR)
        if month is not None:
            return queryset.filter(date_start__month=month).exclude(date_precision=Precision.YEAR)
        return queryset


class TagFilter(admin.SimpleListFilter):
    """The most used tags as links, and every tag through a box that completes names."""

    title = "tag"
    parameter_name = "tag"
    template = "admin/statements/tag_filter.html"
    # A long tail of tags would drown the sidebar: list the most used ones as links.
    shown = 40
    completed = 5000  # names offered to the box

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # The list's other parameters, kept by the box's form.
        self.other_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.parameter_name, "p")
            for value in values
        ]

    def lookups(self, request, model_admin):
        tags = Tag.objects.annotate(used=Count("tagged_statements")).order_by("-used", "name")
        choices = [(tag.slug, f"{tag.name} ({tag.used})") for tag in tags[: self.shown]]
        chosen = self.value()
        if chosen and all(slug != chosen for slug, _label in choices):
            tag = self._tag(chosen)
            choices.append((chosen, tag.name if tag else chosen))
        return choices

    def all_names(self) -> list[str]:
        return list(Tag.objects.order_by("name").values_list("name", flat=True)[: self.completed])

    @staticmethod
    def _tag(value: str) -> Tag | None:
        return Tag.objects.filter(Q(slug=value) | Q(name__iexact=value)).first()

    def queryset(self, request, queryset):
        if self.value():
            tag = self._tag(self.value())
            return queryset.filter(tagged_items__tag=tag) if tag else queryset.none()
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    """One author's statements (the "N statements" link of an author's admin page)."""

    title = "author"
    parameter_name = "author"

    def lookups(self, request, model_admin):
        author = Author.objects.filter(slug=self.value() or "").first()
        return [(author.slug, author.name)] if author else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(
                    Authorship.objects.filter(statement=OuterRef("pk"), author__slug=self.value())
                )
            )
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    """The statements' languages by name ("Unknown" for none), most used first."""

    title = "language"
    parameter_name = "language__exact"

    def lookups(self, request, model_admin):
        used = (
            Statement.objects.values_list("language", flat=True)
            .annotate(count=Count("pk"))
            .order_by("-count", "language")
        )
        return [(code or "none", language_name(code) if code else _("Unknown")) for code in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(language="" if self.value() == "none" else self.value())
        return queryset


class AuthorKindFilter(admin.SimpleListFilter):
    title = "author kind"
    parameter_name = "author_kind"

    def lookups(self, request, model_admin):
        return Author.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            # Exists keeps one row per statement, where a join would repeat it per author.
            return queryset.filter(
                Exists(
                    Authorship.objects.filter(statement=OuterRef("pk"), author__kind=self.value())
                )
            )
        return queryset
