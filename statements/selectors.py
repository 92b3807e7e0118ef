"""Reads: the queries behind public pages and the admin."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from statements.models import Authorship, Source, Statement


def statement_detail_queryset() -> QuerySet[Statement]:
    """Statements with everything a detail page shows, in a constant number of queries."""
    return Statement.objects.prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author").order_by("role", "position"),
        ),
        Prefetch("sources", queryset=Source.objects.order_by("position", "pk")),
        "tags",
    )


def user_can_preview(user) -> bool:
    """Editors may read drafts and scheduled statements on the public site."""
    return bool(
        user.is_authenticated and user.is_staff and user.has_perm("statements.view_statement")
    )


def statement_get_for_reader(*, slug: str, user) -> Statement | None:
    """The statement at ``slug`` if this reader may see it: the public sees published ones only."""
    queryset = statement_detail_queryset()
    if not user_can_preview(user):
        queryset = queryset.published()
    return queryset.filter(slug=slug).first()


def statement_redirect_target(*, old_slug: str, user) -> Statement | None:
    """The statement an old slug now points to, if this reader may see it."""
    queryset = Statement.objects.all() if user_can_preview(user) else Statement.objects.published()
    return queryset.filter(slug_redirects__old_slug=old_slug).only("slug").first()


def statement_latest(*, limit: int = 10) -> QuerySet[Statement]:
    """The most recently published statements, with their authors."""
    return (
        Statement.objects.published()
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("author").filter(
                    role=Authorship.Role.AUTHOR
                ),
            )
        )
        .order_by("-published_at", "-pk")[:limit]
    )
