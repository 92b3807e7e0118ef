"""The authors' admin: their statements counted, and merging."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from statements.admin.base import ListParametersChecked, PublicPagesChange, statements_link
from statements.admin.redactions import AuthorRedactionMixin
from statements.catalog import indexing, merging
from statements.catalog.changes import public_pages_changed_of
from statements.catalog.forms import MergeForm
from statements.models import (
    Author,
    Authorship,
)

_OTHER_KIND = {
    Author.Kind.PERSON: Author.Kind.COLLECTIVE,
    Author.Kind.COLLECTIVE: Author.Kind.PERSON,
}


def new_authors_message(request, authors) -> str:
    """The authors a paste has just created, each with the kind guessed from its name and a
    button that makes it the other kind in one click (a form posted to kind_view)."""
    token = get_token(request)
    back = request.get_full_path()
    rows = format_html_join(
        "",
        '<li>{} — {} ({}) <form method="post" action="{}" class="kind-switch">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="kind" value="{}"><input type="hidden" name="next" value="{}">'
        '<button type="submit" class="button">{}</button></form></li>',
        (
            (
                author.name,
                author.get_kind_display(),
                _("guessed"),
                reverse("admin:statements_author_kind", args=[author.pk]),
                token,
                other,
                back,
                _("Make %(name)s: %(kind)s")
                % {"name": author.name, "kind": Author.Kind(other).label},
            )
            for author in authors
            for other in [
                Author.Kind.PERSON
                if author.kind == Author.Kind.COLLECTIVE
                else Author.Kind.COLLECTIVE
            ]
        ),
    )
    intro = _("New in the archive, with the kind guessed from each name:")
    return format_html("{}<ul>{}</ul>", intro, rows)


@admin.register(Author)
class AuthorAdmin(AuthorRedactionMixin, ListParametersChecked, PublicPagesChange, admin.ModelAdmin):
    list_display = ["name", "kind", "location", "statement_count"]
    list_filter = ["kind"]
    search_fields = ["name", "alternative_names"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["statements_listed", "created_at", "updated_at", "remove_link"]

    @admin.display(description=_("protect this person"))
    def remove_link(self, obj: Author) -> str:
        if obj.pk is None or obj.removed_at is not None:
            return _("Removed.") if obj.pk else "—"
        url = reverse("admin:statements_author_remove", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}">{}</a>', url, _("Remove this person from the archive…")
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=Count("authorships__statement", distinct=True))
        )

    @admin.display(description=_("statements"), ordering="statement_count")
    def statement_count(self, obj: Author) -> str:
        return statements_link(obj.statement_count, "author", obj.slug)

    @admin.display(description=_("statements"))
    def statements_listed(self, obj: Author) -> str:
        if obj.pk is None:
            return "—"
        count = obj.authorships.values("statement").distinct().count()
        return statements_link(count, "author", obj.slug)

    def get_urls(self):
        return [
            path(
                "<int:pk>/kind/",
                self.admin_site.admin_view(self.kind_view),
                name="statements_author_kind",
            ),
            *super().get_urls(),
        ]

    def kind_view(self, request, pk: int):
        """Make an author a person or a collective (the buttons after a paste), then back."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        author = get_object_or_404(Author, pk=pk)
        if not self.has_change_permission(request, author):
            raise PermissionDenied
        kind = request.POST.get("kind", "")
        if kind not in Author.Kind.values:
            return HttpResponseBadRequest(_("The kind is person or collective."))
        if author.kind != kind:
            author.kind = kind
            author.save(update_fields=["kind", "updated_at"])
            public_pages_changed_of(Author, [author.pk])
        said = _("%(name)s is now: %(kind)s.")
        self.message_user(request, said % {"name": author.name, "kind": author.get_kind_display()})
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("admin:statements_author_change", args=[author.pk])
        return HttpResponseRedirect(back)

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

    @admin.action(description=_("Merge the selected authors into one"), permissions=["change"])
    def merge(self, request, queryset):
        """A confirmation page with each record and every credit that moves, then the
        merge (catalog.merging.author_merge)."""
        authors = list(queryset.order_by("name"))
        if len(authors) < 2:
            self.message_user(request, _("Select at least two authors to merge."), messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "into" in request.POST else None,
            choices=queryset.order_by("name"),
            label=_("Keep this author (the others' names become its alternative names)"),
        )
        if form.is_valid():
            into = form.cleaned_data["into"]
            moved = merging.author_merge(authors=authors, into=into)
            merged = ", ".join(a.name for a in authors if a.pk != into.pk)
            self.message_user(
                request,
                _(
                    "Merged %(merged)s into %(into)s: %(moved)s credit(s) moved; the old "
                    "addresses redirect to the kept author's page."
                )
                % {"merged": merged, "into": into.name, "moved": moved},
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
                "title": _("Merge authors"),
                "opts": self.model._meta,
                "form": form,
                "authors": authors,
                "credits": credits,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
