"""The list filters of the statements' and authors' admin."""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef

from statements.models import Author, Authorship, Statement, Tag


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
