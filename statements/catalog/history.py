"""The public history of the archive: a statement's published versions, each at its own
citable address, and the site-wide list of recent changes."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from statements.cache import page_depends, public_page
from statements.catalog.pages import (
    STATEMENTS,
    Gone,
    credits_by_role,
    crumbs,
    gone_answered,
    taken_down_or_404,
)
from statements.catalog.recent import changes_recent
from statements.catalog.revisions import (
    Revision,
    statement_as_of,
    statement_public_revisions,
    statement_revisions,
)
from statements.models import Statement


def _public_statement_or_404(slug: str) -> Statement:
    # The public history is the public's: an editor previewing a draft has the admin's.
    statement = (
        Statement.objects.published()
        .filter(slug=slug)
        .only("pk", "slug", "title", "signatories_public")
    )
    found = statement.first()
    if found is None:
        taken_down_or_404(slug)
    return found


@require_safe
@public_page
@gone_answered
def statement_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every public version, newest first: when, the editor's reason, who if they signed,
    what changed, and the body's SHA-256 to check a copy against."""
    statement = _public_statement_or_404(slug)
    page_depends(request, f"s:{statement.pk}")
    revisions = statement_public_revisions(statement_id=statement.pk)
    return render(
        request,
        "statements/statement_history.html",
        {
            "statement": statement,
            "revisions": revisions,
            "current": revisions[0] if revisions else None,
            "crumbs": crumbs(
                STATEMENTS, (statement.title, statement.get_absolute_url()), (_("History"), None)
            ),
        },
    )


def version_url(slug: str, number: int) -> str:
    return reverse("statements:statement_version", args=[slug, number])


def public_version_or_404(slug: str, number: int) -> tuple[Statement, Revision, bool]:
    """The public statement at ``slug`` as it stood in version ``number``, the revision,
    and whether that is the current version. Gone (410) where the version is hidden or the
    statement taken down."""
    statement = _public_statement_or_404(slug)
    revisions = statement_revisions(statement_id=statement.pk)
    if not 0 < number <= len(revisions) or not revisions[number - 1].public:
        raise Http404(_("This statement has no public version with this number."))
    revision = revisions[number - 1]
    if revision.hidden:
        heading = _("Version %(number)s of this statement is hidden.") % {"number": number}
        raise Gone(heading, revision.hidden_label + ".")
    past = statement_as_of(statement_id=statement.pk, revision=revision)
    if past is None:
        raise Http404(_("This statement has no public version with this number."))
    current = [r for r in revisions if r.public][-1] == revision
    past.slug = statement.slug  # the address it is read at now
    # Signatories shown as a count only are so in every version, whenever it was decided.
    past.signatories_public = past.signatories_public and statement.signatories_public
    return past, revision, current


@require_safe
@public_page
@gone_answered
def statement_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The text and details of one public version, marked as such, with its citation."""
    past, revision, current = public_version_or_404(slug, number)
    page_depends(request, f"s:{past.pk}")
    return render(
        request,
        "statements/statement_detail.html",
        {
            "statement": past,
            "version": revision,
            "version_is_current": current,
            **credits_by_role(past),
            "canonical_url": request.build_absolute_uri(version_url(slug, number)),
            "show_toc": len(past.body_toc) >= 3,
            "crumbs": crumbs(
                STATEMENTS,
                (past.title, reverse("statements:statement_detail", args=[slug])),
                (_("Version %(number)s") % {"number": number}, None),
            ),
        },
    )


@require_safe
@public_page
def changes(request: HttpRequest) -> HttpResponse:
    """The latest corrections and additions across the archive, for readers who follow them."""
    return render(
        request,
        "statements/changes.html",
        {"changes": changes_recent(limit=50), "crumbs": crumbs((_("Recent changes"), None))},
    )
