"""Possible duplicates in the admin: the pairs of statements whose texts are alike, most alike
first, each with its two texts side by side and what can be done: merge them (keep one),
mark them as not duplicates (remembered), or link them as translations."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from infra.queue import enqueue
from statements.admin.base import ListParametersChecked
from statements.catalog.diffs import side_by_side
from statements.catalog.duplicates import duplicates_find, pair_decide
from statements.catalog.merging import statement_merge, translations_link
from statements.catalog.revisions import revision_context
from statements.catalog.tasks import duplicates_task
from statements.models import DuplicatePair, Statement

ACTIONS = ("merge-first", "merge-second", "distinct", "translations")


@admin.register(DuplicatePair)
class DuplicatePairAdmin(ListParametersChecked, admin.ModelAdmin):
    list_display = ("first_link", "second_link", "similar", "kind", "languages", "decision")
    list_filter = ("kind", "decision")
    list_select_related = ("first", "second")
    search_fields = ("first__title", "second__title")
    actions = ["mark_distinct"]
    change_list_template = "admin/statements/duplicatepair/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # pairs are found, not written

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("statements.change_statement")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a decision is kept: "not duplicates" is how a pair is let go

    @admin.display(description=gettext_lazy("statement"), ordering="first__title")
    def first_link(self, pair: DuplicatePair) -> str:
        return _statement_link(pair.first)

    @admin.display(description=gettext_lazy("alike"), ordering="second__title")
    def second_link(self, pair: DuplicatePair) -> str:
        return _statement_link(pair.second)

    @admin.display(description=gettext_lazy("similarity"), ordering="similarity")
    def similar(self, pair: DuplicatePair) -> str:
        return f"{pair.similarity:.0%}"

    @admin.display(description=gettext_lazy("languages"))
    def languages(self, pair: DuplicatePair) -> str:
        return f"{pair.first.language or '?'} / {pair.second.language or '?'}"

    @admin.action(description=gettext_lazy("Mark the selected pairs as not duplicates"))
    def mark_distinct(self, request, queryset):
        for pair in queryset.filter(decision=""):
            pair_decide(pair=pair, decision=DuplicatePair.Decision.DISTINCT, user=request.user)
        self.message_user(request, _("Marked as not duplicates: they will not be offered again."))

    def get_urls(self):
        return [
            path(
                "find/",
                self.admin_site.admin_view(self.find_view),
                name="statements_duplicatepair_find",
            ),
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="statements_duplicatepair_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The pair: both statements described, their texts side by side, the decisions."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        pair = get_object_or_404(
            DuplicatePair.objects.select_related("first", "second"), pk=object_id
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Possible duplicate"),
            "opts": self.model._meta,
            "pair": pair,
            "rows": side_by_side(pair.first.body, pair.second.body),
            "statements": [_described(pair.first), _described(pair.second)],
        }
        return TemplateResponse(request, "admin/statements/duplicatepair/pair.html", context)

    def find_view(self, request):
        """Look through the whole archive again (POST): fingerprints of new or changed
        texts, and every pair alike."""
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        if enqueue(duplicates_task):  # on a worker: minutes at a hundred thousand texts
            self.message_user(
                request, _("The archive is being looked through on a worker: come back soon.")
            )
            return redirect("admin:statements_duplicatepair_changelist")
        # No task queue: here, where a text fingerprinted since takes nothing (10,000 texts
        # in under a second; 11 s to fingerprint them all from nothing).
        found = duplicates_find()
        self.message_user(
            request,
            _("Pairs alike in the archive: %(pairs)s, of which %(new)s new.")
            % {"pairs": found["pairs"], "new": found["new"]},
        )
        return redirect("admin:statements_duplicatepair_changelist")

    def decide_view(self, request, pk: int):
        """An editor's decision on a pair (POST): merge, not duplicates, translations."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        return _decided(request, pk)


def _decided(request, pk: int):
    pair = get_object_or_404(DuplicatePair.objects.select_related("first", "second"), pk=pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Choose what to do with the pair."))
        return redirect("admin:statements_duplicatepair_change", pk)
    if pair.decision:
        messages.error(request, _("This pair was decided already."))
        return redirect("admin:statements_duplicatepair_change", pk)
    first, second = pair.first, pair.second
    if action.startswith("merge-"):
        keep, other = (first, second) if action == "merge-first" else (second, first)
        revision_context(reason=f"Merged: “{other.title}” ({other.slug}) into “{keep.title}”")
        statement_merge(keep=keep, other=other)
        pair_decide(pair=pair, decision=DuplicatePair.Decision.MERGED, user=request.user)
        messages.success(
            request,
            _("Merged: “%(other)s” now answers with a permanent redirect to “%(keep)s”.")
            % {"other": other.slug, "keep": keep.slug},
        )
        return redirect("admin:statements_statement_change", keep.pk)
    if action == "translations":
        revision_context(reason="Linked as translations")
        translations_link(statements=[first, second])
        pair_decide(pair=pair, decision=DuplicatePair.Decision.LINKED, user=request.user)
        messages.success(request, _("Linked: each statement now shows the other as a translation."))
    else:
        pair_decide(pair=pair, decision=DuplicatePair.Decision.DISTINCT, user=request.user)
        messages.success(request, _("Marked as not duplicates: they will not be offered again."))
    return redirect("admin:statements_duplicatepair_changelist")


def _statement_link(statement: Statement) -> str:
    return format_html(
        '<a href="{}">{}</a> <small>({})</small>',
        reverse("admin:statements_statement_change", args=[statement.pk]),
        statement.title,
        statement.get_status_display(),
    )


def _described(statement: Statement) -> dict:
    return {
        "statement": statement,
        "authors": ", ".join(a.author.name for a in statement.authorships.select_related("author")),
        "sources": statement.sources.count(),
        "tags": ", ".join(t.name for t in statement.tags.all()),
    }
