"""The statement editor's Preview: the unsaved form rendered as the public page would show
it (header, text, credits, sources, tags), in a new tab, with nothing written."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from statements.catalog.pages import credits_by_role
from statements.core.rendering import render_body
from statements.models import Author, Authorship, Tag, TaggedStatement


def _unsaved_tag(name: str, known: dict[str, Tag]) -> TaggedStatement:
    tag = known.get(name.casefold()) or Tag(name=name, slug=slugify(name) or "tag")
    return TaggedStatement(tag=tag)


def _kept(formset) -> list:
    """The unsaved rows a valid inline formset would save: an untouched extra row has no
    cleaned data, a row marked for deletion goes."""
    return [
        row.instance
        for row in formset.forms
        if row.cleaned_data and not row.cleaned_data.get("DELETE")
    ]


class StatementPreviewMixin:
    """For StatementAdmin: ``preview/`` (a new statement) and ``<id>/preview/`` take the
    editor's form as posted and render the public page from it."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.preview_view)
        return [
            path("preview/", view, name="statements_statement_preview"),
            path("<int:object_id>/preview/", view, name="statements_statement_preview_change"),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id=None):
        if request.method != "POST":
            raise Http404(_("A preview is of a form being edited: use the Preview button."))
        obj = self.get_object(request, str(object_id)) if object_id else None
        if object_id and obj is None:
            raise Http404(_("No statement with this id."))
        allowed = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        # Nothing here saves; the rollback makes sure nothing a validator might write stays.
        with transaction.atomic():
            response = self._preview(request, obj)
            transaction.set_rollback(True)
        return response

    def _preview(self, request, obj):
        form = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        valid = form.is_valid()
        formsets, _inlines = self._create_formsets(request, form.instance, change=obj is not None)
        valid = all([valid, *(formset.is_valid() for formset in formsets)])
        if not valid:
            errors = [f"{name}: {', '.join(e)}" for name, e in form.errors.items()]
            errors += [str(e) for formset in formsets for e in formset.non_form_errors()]
            errors += [
                f"{formset.prefix}: {error}"
                for formset in formsets
                for row in formset.errors
                for error in row.values()
            ]
            context = {**self.admin_site.each_context(request), "errors": errors,
                       "title": "Nothing to preview yet"}  # fmt: skip
            return render(request, "admin/statements/statement/preview_errors.html", context,
                          status=400)  # fmt: skip
        statement = form.instance
        if statement.pk is None:
            # Django's related managers want an id even when their rows are given (below);
            # 0 is no statement's, and this one is never saved.
            statement.pk = 0
        statement.slug = statement.slug or slugify(statement.title) or "preview"
        statement.body_html, statement.body_toc = render_body(statement.body)
        rows = {formset.prefix: formset for formset in formsets}
        credits = _kept(rows["authorships"])
        for number, credit in enumerate(form.cleaned_data.get("signatories_paste") or []):
            author = Author(name=credit.name, kind=credit.kind, slug=slugify(credit.name) or "x")
            credits.append(Authorship(author=author, role=credit.role, position=10_000 + number))
        sources = _kept(rows["sources"])
        names = form.cleaned_data.get("tags") or []
        known = {t.name.casefold(): t for t in Tag.objects.filter(name__in=names)}
        statement._prefetched_objects_cache = {
            "authorships": sorted(credits, key=lambda c: (c.role, c.position)),
            "sources": sorted(sources, key=lambda s: s.position),
        }
        statement.prefetched_taggings = [_unsaved_tag(name, known) for name in names]
        return render(
            request,
            "statements/statement_detail.html",
            {
                "statement": statement,
                **credits_by_role(statement),
                "unsaved_preview": True,
                "canonical_url": "",
                "show_toc": len(statement.body_toc) >= 3,
            },
        )
