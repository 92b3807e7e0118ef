"""The admin's list pages: their filters, and the check of their parameters (a NUL or an
impossible date is a 400 with a message, never a 500 from the database)."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import render

from statements.models import Author, Authorship, Statement, Tag

# Date parts the year filter and the date hierarchy take, with their ranges.
DATE_PARAMETERS = {
    "year": (1, 9999),
    "date_start__year": (1, 9999),
    "date_start__month": (1, 12),
    "date_start__day": (1, 31),
}


def list_parameter_problem(params) -> str:
    """What is wrong with a list page's parameters, in words an editor can act on, or ""."""
    for name, values in params.lists():
        if name == "q":  # the search box: the admin's own form refuses a NUL with a message
            continue
        for value in values:
            if any(ord(char) < 32 for char in value):
                return f"The value of “{name[:40]}” contains control characters."
            if name in DATE_PARAMETERS:
                low, high = DATE_PARAMETERS[name]
                if not (value.isdigit() and low <= int(value) <= high):
                    return f"“{value[:20]}” is not a {name.rsplit('_', 1)[-1]} ({low} to {high})."
    return ""


class ListParametersChecked:
    """A list page answers 400 with the problem, instead of passing a NUL or an impossible
    date to the database."""

    def changelist_view(self, request, extra_context=None):
        problem = list_parameter_problem(request.GET)
        if problem:
            return render(request, "400.html", {"message": problem}, status=400)
        return super().changelist_view(request, extra_context)


class YearFilter(admin.SimpleListFilter):
    title = "year of issue"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Statement.objects.dates("date_start", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and 1 <= int(value) <= 9999:
            return queryset.filter(date_start__year=int(value))
        if value:
            return queryset.none()
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"
    # A long tail of tags would drown the sidebar: list the most used ones.
    shown = 40

    def lookups(self, request, model_admin):
        tags = Tag.objects.annotate(used=Count("tagged_statements")).order_by("-used", "name")
        return [(tag.slug, f"{tag.name} ({tag.used})") for tag in tags[: self.shown]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tagged_items__tag__slug=self.value())
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
