"""The authors' admin: their statements counted, and merging."""

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from statements.admin.base import ListParametersChecked, PublicPagesChange
from statements.admin.redactions import AuthorRedactionMixin
from statements.catalog import indexing, merging
from statements.catalog.forms import MergeForm
from statements.models import (
    Author,
    Authorship,
)


@admin.register(Author)
class AuthorAdmin(AuthorRedactionMixin, ListParametersChecked, PublicPagesChange, admin.ModelAdmin):
    list_display = ["name", "kind", "location", "statement_count"]
    list_filter = ["kind"]
    search_fields = ["name", "alternative_names"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at", "remove_link"]

    @admin.display(description="protect this person")
    def remove_link(self, obj: Author) -> str:
        if obj.pk is None or obj.removed_at is not None:
            return "Removed." if obj.pk else "—"
        url = reverse("admin:statements_author_remove", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">Remove this person from the archive…</a>', url
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=Count("authorships__statement", distinct=True))
        )

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, obj: Author) -> int:
        return obj.statement_count

    def has_change_permission(self, request, obj=None):
        # A removed person's tombstone is never edited (a name typed back would undo it).
        if obj is not None and obj.removed_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            indexing.author_search_names_refresh(author=obj)

    actions = ["merge"]

    @admin.action(description="Merge the selected authors into one", permissions=["change"])
    def merge(self, request, queryset):
        """A confirmation page with each record and every credit that moves, then the
        merge (catalog.merging.author_merge)."""
        authors = list(queryset.order_by("name"))
        if len(authors) < 2:
            self.message_user(request, "Select at least two authors to merge.", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "into" in request.POST else None,
            choices=queryset.order_by("name"),
            label="Keep this author (the others' names become its alternative names)",
        )
        if form.is_valid():
            into = form.cleaned_data["into"]
            moved = merging.author_merge(authors=authors, into=into)
            merged = ", ".join(a.name for a in authors if a.pk != into.pk)
            self.message_user(
                request,
                f"Merged {merged} into {into.name}: {moved} credit(s) moved; the old "
                "addresses redirect to the kept author's page.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        credits = (
            Authorship.objects.filter(author__in=authors)
            .select_related("statement", "author")
            .order_by("author__name", "statement__title", "role")
        )
        return TemplateResponse(
            request,
            "admin/statements/author/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge authors",
                "opts": self.model._meta,
                "form": form,
                "authors": authors,
                "credits": credits,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
