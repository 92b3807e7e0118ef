"""The statement editor's tag picker: suggestions as the editor types, near spellings
included ("anarchisme" finds "anarchism"), so that a tag is reused rather than doubled; a
name not in the list is created on save."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path

from statements.catalog.selectors import tags_suggested


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
