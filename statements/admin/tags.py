"""The tags' admin (renaming, merging), and the statement editor's tag picker: suggestions
as the editor types, near spellings included ("anarchisme" finds "anarchism"), so that a
tag is reused rather than doubled; a name not in the list is created on save."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from statements.admin.base import ListParametersChecked, PublicPagesChange, statements_link
from statements.catalog import indexing, merging, services
from statements.catalog.forms import TagMergeForm
from statements.catalog.selectors import tags_suggested
from statements.models import Tag


class TagSuggestMixin:
    """For StatementAdmin: ``tags/suggest/?term=`` answers in select2's JSON."""

    def get_urls(self):
        return [
            path(
                "tags/suggest/",
                self.admin_site.admin_view(self.tag_suggest_view),
                name="statements_statement_tag_suggest",
            ),
            *super().get_urls(),
        ]

    def tag_suggest_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = " ".join(request.GET.get("term", "").split())[:100]
        tags = tags_suggested(term=term) if term else []
        return JsonResponse(
            {
                "results": [{"id": tag.name, "text": f"{tag.name} ({tag.uses})"} for tag in tags],
                "pagination": {"more": False},
            }
        )


@admin.register(Tag)
class TagAdmin(ListParametersChecked, PublicPagesChange, admin.ModelAdmin):
    list_display = ["name", "slug", "statement_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_count=Count("tagged_statements"))

    readonly_fields = ["statements_listed"]

    @admin.display(description=_("statements"), ordering="statement_count")
    def statement_count(self, obj: Tag) -> str:
        return statements_link(obj.statement_count, "tag", obj.slug)

    @admin.display(description=_("statements"))
    def statements_listed(self, obj: Tag) -> str:
        if obj.pk is None:
            return "—"
        return statements_link(obj.tagged_statements.count(), "tag", obj.slug)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            ids = services.tags_statement_ids(tags=[obj])
            indexing.statement_search_names_refresh(statement_ids=ids)

    def delete_model(self, request, obj):
        ids = services.tags_statement_ids(tags=[obj])
        super().delete_model(request, obj)
        indexing.statement_search_names_refresh(statement_ids=ids)

    def delete_queryset(self, request, queryset):
        ids = services.tags_statement_ids(tags=queryset)
        super().delete_queryset(request, queryset)
        indexing.statement_search_names_refresh(statement_ids=ids)

    @admin.action(description=_("Merge the selected tags into one"), permissions=["change"])
    def merge(self, request, queryset):
        tags = queryset.order_by("name")
        if tags.count() < 2:
            self.message_user(request, _("Select at least two tags to merge."), messages.WARNING)
            return None
        form = TagMergeForm(request.POST if "into" in request.POST else None, tags=tags)
        if form.is_valid():
            into = form.cleaned_data["into"]
            merged = [tag.name for tag in tags if tag.pk != into.pk]
            moved = merging.tag_merge(tags=list(tags), into=into)
            self.message_user(
                request,
                _("Merged %(merged)s into %(into)s (%(moved)s statement(s) gained it).")
                % {"merged": ", ".join(merged), "into": into.name, "moved": moved},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(
            request,
            "admin/statements/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge tags"),
                "opts": self.model._meta,
                "form": form,
                "tags": tags,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
