"""The editors' side of protecting people: hide, unhide and suppress a version (from its
page in the statement's history), take a statement down, remove a person (from their
author page), withhold a captured copy, and the log of every act, for Suppressors.

Each act that cannot be undone has a confirmation page that lists what it reaches and says
so; every form is a POST with its CSRF token."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from statements.catalog.revisions import statement_revisions
from statements.models import Author, ReasonClass, Redaction, SourceCapture, Statement
from statements.redaction.captures import capture_hide, capture_suppress, capture_unhide
from statements.redaction.log import RedactionRefused
from statements.redaction.people import person_removal_plan, person_remove
from statements.redaction.takedowns import statement_take_down
from statements.redaction.versions import (
    suppression_plan,
    version_hide,
    version_suppress,
    version_unhide,
)

HIDE = "statements.hide_versions"
VIEW_HIDDEN = "statements.view_hidden_versions"
SUPPRESS = "statements.suppress_versions"


class ActForm(forms.Form):
    reason_class = forms.ChoiceField(
        label=_("Reason (public)"),
        choices=ReasonClass.choices,
        help_text=_("Shown to the public with the act: privacy, safety, legal or error."),
    )
    note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "For the log, seen by Suppressors only. Never write the name of a person "
            "being protected here."
        ),
    )


class HideForm(ActForm):
    text = forms.BooleanField(label=_("Hide the text and details"), required=False, initial=True)
    reason = forms.BooleanField(label=_("Hide the editor's reason"), required=False)


class ConfirmedForm(ActForm):
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"),
        help_text=_("Tick to confirm."),
    )


class TakedownForm(ActForm):
    show_title = forms.BooleanField(
        label=_("Name its title and date in the public note"),
        required=False,
        help_text=_("Leave unticked when the title itself must not stay public."),
    )
    confirm = forms.BooleanField(
        label=_("Take this statement down"), help_text=_("Tick to confirm.")
    )


def _page(request, admin_site, template: str, title: str, **context):
    return render(
        request,
        f"admin/statements/redaction/{template}",
        {**admin_site.each_context(request), "title": title, **context},
    )


def _history_url(statement_id: int, number: int | None = None) -> str:
    if number is None:
        return reverse("admin:statements_statement_history", args=[statement_id])
    return reverse("admin:statements_statement_revision", args=[statement_id, number])


class StatementRedactionMixin:
    """For StatementAdmin: hide, unhide and suppress versions; take the statement down."""

    def get_urls(self):
        return [
            path(
                "<int:object_id>/history/<int:number>/withhold/",
                self.admin_site.admin_view(self.withhold_view),
                name="statements_statement_withhold",
            ),
            path(
                "<int:object_id>/history/<int:number>/suppress/",
                self.admin_site.admin_view(self.suppress_view),
                name="statements_statement_suppress",
            ),
            path(
                "<int:object_id>/take-down/",
                self.admin_site.admin_view(self.take_down_view),
                name="statements_statement_take_down",
            ),
            *super().get_urls(),
        ]

    def _statement_for(self, request, object_id: int, permission: str) -> Statement:
        statement = Statement.objects.filter(pk=object_id).first()
        if statement is None:
            raise Http404(_("No statement with this id."))
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return statement

    def withhold_view(self, request, object_id, number):
        """POST only: hide (text and/or reason) or unhide one version."""
        statement = self._statement_for(request, object_id, HIDE)
        if request.method != "POST":
            return HttpResponseRedirect(_history_url(statement.pk, number))
        try:
            if request.POST.get("unhide"):
                version_unhide(statement=statement, numbers=[number], user=request.user)
                messages.success(
                    request,
                    _("Version %(number)s is shown to the public again.") % {"number": number},
                )
            else:
                form = HideForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Choose a reason class to hide this version."))
                    return HttpResponseRedirect(_history_url(statement.pk, number))
                data = form.cleaned_data
                version_hide(
                    statement=statement,
                    numbers=[number],
                    text=data["text"],
                    reason=data["reason"],
                    reason_class=data["reason_class"],
                    note=data["note"],
                    user=request.user,
                )
                messages.success(
                    request, _("Version %(number)s is hidden from the public.") % {"number": number}
                )
        except RedactionRefused as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(_history_url(statement.pk, number))

    def suppress_view(self, request, object_id, number):
        """The confirmation page (what the suppression reaches), then the suppression."""
        statement = self._statement_for(request, object_id, SUPPRESS)
        form = ConfirmedForm(request.POST or None)
        try:
            plan = suppression_plan(statement=statement, numbers=[number])
        except RedactionRefused as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(_history_url(statement.pk, number))
        if request.method == "POST" and form.is_valid():
            try:
                done = version_suppress(
                    statement=statement,
                    numbers=[number],
                    reason_class=form.cleaned_data["reason_class"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                )
            except RedactionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Suppressed: versions %(numbers)s.")
                    % {"numbers": ", ".join(map(str, done.numbers))},
                )
                return HttpResponseRedirect(_history_url(statement.pk))
        return _page(
            request,
            self.admin_site,
            "suppress.html",
            _("Suppress version %(number)s of “%(title)s”")
            % {"number": number, "title": statement.title},
            opts=self.model._meta,
            original=statement,
            number=number,
            plan=plan,
            form=form,
        )

    def take_down_view(self, request, object_id):
        statement = self._statement_for(request, object_id, HIDE)
        form = TakedownForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                statement_take_down(
                    statement=statement,
                    reason_class=data["reason_class"],
                    show_title=data["show_title"],
                    note=data["note"],
                    user=request.user,
                )
            except RedactionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("The statement is taken down: its address answers 410.")
                )
                return HttpResponseRedirect(
                    reverse("admin:statements_statement_change", args=[statement.pk])
                )
        return _page(
            request,
            self.admin_site,
            "take_down.html",
            _("Take down “%(title)s”") % {"title": statement.title},
            opts=self.model._meta,
            original=statement,
            versions=len(statement_revisions(statement_id=statement.pk)),
            sources=statement.sources.count(),
            form=form,
        )


class AuthorRedactionMixin:
    """For AuthorAdmin: remove a person from the archive."""

    def get_urls(self):
        return [
            path(
                "<int:object_id>/remove/",
                self.admin_site.admin_view(self.remove_view),
                name="statements_author_remove",
            ),
            *super().get_urls(),
        ]

    def remove_view(self, request, object_id):
        """The confirmation page (every statement, version, file, capture and text the
        removal reaches), then the removal."""
        if not request.user.has_perm(HIDE):
            raise PermissionDenied
        author = Author.objects.filter(pk=object_id).first()
        if author is None:
            raise Http404(_("No author with this id."))
        try:
            plan = person_removal_plan(author=author)
        except RedactionRefused as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:statements_author_changelist"))
        suppress = request.user.has_perm(SUPPRESS)
        form = ConfirmedForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                person_remove(
                    author=author,
                    reason_class=form.cleaned_data["reason_class"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                    suppress=suppress,
                )
            except RedactionRefused as error:
                form.add_error("note", str(error))
            else:
                messages.success(
                    request,
                    (
                        _(
                            "The person is removed: %(statements)s statement(s) changed, "
                            "%(versions)s earlier version(s) suppressed. Review the texts listed."
                        )
                        if suppress
                        else _(
                            "The person is removed: %(statements)s statement(s) changed, "
                            "%(versions)s earlier version(s) hidden. Review the texts listed."
                        )
                    )
                    % {"statements": len(plan.statements), "versions": plan.version_count},
                )
                return HttpResponseRedirect(
                    reverse("admin:statements_author_change", args=[author.pk])
                )
        return _page(
            request,
            self.admin_site,
            "remove_person.html",
            _("Remove %(name)s from the archive") % {"name": author.name},
            opts=self.model._meta,
            original=author,
            plan=plan,
            suppress=suppress,
            form=form,
        )


class CaptureRedactionMixin:
    """For SourceLinkAdmin: hide, show again or suppress one captured copy."""

    def get_urls(self):
        return [
            path(
                "captures/<int:capture_id>/withhold/",
                self.admin_site.admin_view(self.capture_withhold_view),
                name="statements_sourcecapture_withhold",
            ),
            *super().get_urls(),
        ]

    def capture_withhold_view(self, request, capture_id):
        if not request.user.has_perm(HIDE):
            raise PermissionDenied
        capture = SourceCapture.objects.filter(pk=capture_id).select_related("link").first()
        if capture is None:
            raise Http404(_("No capture with this id."))
        can_suppress = request.user.has_perm(SUPPRESS)
        form = ConfirmedForm(request.POST or None) if "suppress" in request.POST else None
        plain = ActForm(request.POST or None) if form is None else None
        back = reverse("admin:statements_sourcelink_change", args=[capture.link_id])
        if request.method == "POST":
            try:
                if "unhide" in request.POST:
                    capture_unhide(capture=capture, user=request.user)
                    messages.success(request, _("The capture is shown to readers again."))
                    return HttpResponseRedirect(back)
                if form is not None and form.is_valid():
                    if not can_suppress:
                        raise PermissionDenied
                    capture_suppress(
                        capture=capture,
                        reason_class=form.cleaned_data["reason_class"],
                        note=form.cleaned_data["note"],
                        user=request.user,
                    )
                    messages.success(request, _("The capture's file is deleted; its hash is kept."))
                    return HttpResponseRedirect(back)
                if plain is not None and plain.is_valid():
                    capture_hide(
                        capture=capture,
                        reason_class=plain.cleaned_data["reason_class"],
                        note=plain.cleaned_data["note"],
                        user=request.user,
                    )
                    messages.success(request, _("The capture is hidden: its replay answers 410."))
                    return HttpResponseRedirect(back)
            except RedactionRefused as error:
                messages.error(request, str(error))
        return _page(
            request,
            self.admin_site,
            "capture.html",
            _("Withhold the capture of %(time)s")
            % {"time": f"{capture.captured_at:%Y-%m-%d %H:%M}"},
            opts=SourceCapture._meta,
            capture=capture,
            hide_form=plain or ActForm(),
            suppress_form=form or ConfirmedForm(),
            can_suppress=can_suppress,
            back=back,
        )


@admin.register(Redaction)
class RedactionAdmin(admin.ModelAdmin):
    """The log, read-only: Suppressors (view_redaction) read it; nobody edits it."""

    list_display = ["done_at", "act", "reason_class", "target", "done_by_name"]
    list_filter = ["act", "reason_class"]
    date_hierarchy = "done_at"
    readonly_fields = [f.name for f in Redaction._meta.fields]

    @admin.display(description=_("object"))
    def target(self, obj: Redaction) -> str:
        if obj.author_id:
            return _("author %(id)s") % {"id": obj.author_id}
        if obj.capture_id:
            return _("capture %(id)s") % {"id": obj.capture_id}
        versions = obj.details.get("versions")
        if versions:
            return _("statement %(id)s, versions %(numbers)s") % {
                "id": obj.statement_id,
                "numbers": ", ".join(map(str, versions)),
            }
        return _("statement %(id)s") % {"id": obj.statement_id}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
