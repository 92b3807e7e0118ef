"""The statement editor's history: every revision (who, when, why, what it touched), each
one compared with the one before it (fields, and the body word by word), and "restore this
version", which writes it back as a new revision."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from statements.admin.redactions import HideForm
from statements.catalog.diffs import fields_diff, text_diff
from statements.catalog.revisions import statement_as_of, statement_restore, statement_revisions
from statements.models import Statement


class RestoreForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        help_text=_("Shown in the statement's history with “Restored version N”."),
    )


class StatementHistoryMixin:
    """For StatementAdmin: its History page lists the revisions, not Django's log lines."""

    def get_urls(self):
        return [
            path(
                "<int:object_id>/history/<int:number>/",
                self.admin_site.admin_view(self.revision_view),
                name="statements_statement_revision",
            ),
            *super().get_urls(),
        ]

    def _statement_or_404(self, request, object_id) -> Statement:
        statement = self.get_object(request, str(object_id))
        if statement is None:
            raise Http404(_("No statement with this id."))
        if not self.has_view_or_change_permission(request, statement):
            raise PermissionDenied
        return statement

    def history_view(self, request, object_id, extra_context=None):
        statement = self._statement_or_404(request, object_id)
        revisions = statement_revisions(statement_id=statement.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": statement,
            "title": _("History of “%(title)s”") % {"title": statement.title},
            "revisions": list(reversed(revisions)),
            "can_view_hidden": request.user.has_perm("statements.view_hidden_versions"),
            "can_hide": request.user.has_perm("statements.hide_versions"),
        }
        return render(request, "admin/statements/statement/revisions.html", context)

    def revision_view(self, request, object_id, number):
        """Version ``number`` beside the one before it, and the restore form."""
        statement = self._statement_or_404(request, object_id)
        revisions = statement_revisions(statement_id=statement.pk)
        if not 0 < number <= len(revisions):
            raise Http404(_("No such version."))
        revision = revisions[number - 1]
        if revision.text_hidden and not request.user.has_perm("statements.view_hidden_versions"):
            raise PermissionDenied
        form = RestoreForm(request.POST or None)
        if request.method == "POST":
            if revision.text_hidden:
                raise PermissionDenied  # a hidden version is not written back over the public one
            if not self.has_change_permission(request, statement):
                raise PermissionDenied
            if form.is_valid():
                try:
                    statement_restore(
                        statement=statement, revision=revision, reason=form.cleaned_data["reason"]
                    )
                except ValueError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        _("Version %(number)s restored, as version %(new)s.")
                        % {"number": number, "new": len(revisions) + 1},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:statements_statement_history", args=[statement.pk])
                    )
        # A suppressed version's content is gone: only its tombstone is shown.
        after = (
            None
            if revision.suppressed
            else statement_as_of(statement_id=statement.pk, revision=revision)
        )
        previous = revisions[number - 2] if number > 1 else None
        before = (
            statement_as_of(statement_id=statement.pk, revision=previous)
            if previous and not previous.suppressed and after is not None
            else None
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": statement,
            "title": _("Version %(number)s of “%(title)s”")
            % {"number": number, "title": statement.title},
            "revision": revision,
            "previous": previous,
            "latest": number == len(revisions),
            "fields": fields_diff(before, after) if after is not None else [],
            "body": text_diff(before.body if before else "", after.body if after else ""),
            "form": form,
            "can_restore": after is not None
            and not revision.text_hidden
            and self.has_change_permission(request, statement),
            "can_hide": request.user.has_perm("statements.hide_versions"),
            "can_suppress": request.user.has_perm("statements.suppress_versions"),
            "hide_form": HideForm(),
        }
        return render(request, "admin/statements/statement/revision.html", context)
