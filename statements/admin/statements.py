"""The statements' admin: the list, the form with its inlines, and the actions."""

import re

from django.contrib import admin, messages
from django.db.models import Max, Prefetch, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from statements.admin.authors import new_authors_message
from statements.admin.base import ListParametersChecked, PublicPagesChange
from statements.admin.filters import (
    AuthorFilter,
    AuthorKindFilter,
    IssuedFilter,
    LanguageFilter,
    TagFilter,
)
from statements.admin.history import StatementHistoryMixin
from statements.admin.imports import StatementImportMixin
from statements.admin.inlines import AuthorshipInline, SlugRedirectInline, SourceInline
from statements.admin.preview import StatementPreviewMixin
from statements.admin.redactions import StatementRedactionMixin
from statements.admin.sources import captures_for_new_sources
from statements.admin.tags import TagSuggestMixin
from statements.catalog import indexing, services
from statements.catalog.forms import StatementAdminForm
from statements.catalog.revisions import revision_context
from statements.core.dates import Precision, partial_date_in_text
from statements.models import (
    Author,
    Authorship,
    ImportedFile,
    Statement,
)
from statements.search.query import SearchSyntaxError, search_query, search_text_clean


def searched_date(text: str):
    """The partial date a search term is, whole ("March 2025", "2025", "8 March 2025",
    "2025-03"), or None when it is words (a year among words is a search for them)."""
    when = partial_date_in_text(text)
    if when is None:
        return None
    words = re.findall(r"[^\W\d_]+", text)
    if when.precision == Precision.YEAR:
        return when if not words else None
    return when if len(words) <= 2 else None  # a month's name, and "of" or "de"


@admin.register(Statement)
class StatementAdmin(
    StatementRedactionMixin,
    StatementHistoryMixin,
    StatementPreviewMixin,
    StatementImportMixin,
    TagSuggestMixin,
    ListParametersChecked,
    PublicPagesChange,
    admin.ModelAdmin,
):
    form = StatementAdminForm
    inlines = [AuthorshipInline, SourceInline, SlugRedirectInline]
    list_display = [
        "title",
        "authors_display",
        "issued_display",
        "language",
        "status_display",
        "published_at",
        "tags_display",
    ]
    list_filter = [
        "status",
        LanguageFilter,
        TagFilter,
        IssuedFilter,
        AuthorKindFilter,
        AuthorFilter,
    ]
    # The search box runs the public search's full-text index (get_search_results), plus
    # a title substring match served by the title's trigram index; bodies are never scanned.
    search_fields = ["title"]
    search_help_text = _(
        "Words from the title, text, authors or tags (“a phrase”, or, -word), or a date "
        "(“March 2025”, “2025”, “2025-03-08”): the statements dated within it."
    )
    # No date hierarchy: it would file a statement dated "2025" under January 2025. The
    # date-of-issue filter drills down as the public archive shows partial dates.
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "imported_from_display"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    # The form runs to thousands of pixels (forty signatories): save from the top too.
    save_on_top = True
    fieldsets = [
        (
            _("Publication"),
            {
                "fields": ["status", "published_at"],
                "description": _(
                    "Choose “Published” and leave the time empty to publish now; a time to "
                    "come schedules it."
                ),
            },
        ),
        (None, {"fields": ["title", "subtitle", "slug", "summary", "body"]}),
        (_("Date, place and language"), {"fields": ["issued", "date_text", "place", "language"]}),
        (_("Signatories"), {"fields": ["signatories_public", "signatories_paste"]}),
        (_("Tags and rights"), {"fields": ["tags", "rights", "editorial_notes"]}),
        (_("Record"), {"fields": ["created_at", "updated_at", "uid", "imported_from_display"]}),
        (_("This change"), {"fields": ["revision_reason", "revision_signed"]}),
    ]

    @admin.display(description=_("imported from"))
    def imported_from_display(self, obj):
        if obj is None or obj.imported_from_id is None:
            return _("Not imported from a file.")
        original = ImportedFile.objects.only("name", "sha256", "size", "imported_at").get(
            pk=obj.imported_from_id
        )
        return format_html(
            '<a href="{}">{}</a> ({})<br>SHA-256 <code>{}</code>',
            reverse("admin:statements_importedfile_download", args=[original.pk]),
            original.name,
            _("%(size)s bytes, imported %(time)s")
            % {
                "size": f"{original.size:,}",
                "time": original.imported_at.strftime("%Y-%m-%d %H:%M"),
            },
            original.sha256,
        )

    change_list_template = "admin/statements/statement/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        text, _cut = search_text_clean(search_term)
        if not text:
            return queryset, False
        matches = Q(title__icontains=text)
        if (when := searched_date(text)) is not None:  # "March 2025": dated within it
            within = Q(date_start__gte=when.start, date_end__lte=when.end)
            return queryset.filter(matches | within), False
        try:
            query = search_query(text)
        except SearchSyntaxError as error:
            said = _("%(error)s Titles only were searched.") % {"error": error}
            self.message_user(request, said, messages.WARNING)
            query = None
        if query is not None:
            matches |= Q(search_vector=query)
        return queryset.filter(matches), False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "authorships",
                    queryset=Authorship.objects.select_related("author").order_by(
                        "role", "position"
                    ),
                ),
                "tags",
            )
        )

    @admin.display(description=_("authors"))
    def authors_display(self, obj: Statement) -> str:
        names = [a.author.name for a in obj.authorships.all() if a.role == Authorship.Role.AUTHOR]
        signatories = sum(1 for a in obj.authorships.all() if a.role == Authorship.Role.SIGNATORY)
        text = ", ".join(names)
        if signatories:
            text += " " + str(_("(+%(count)s signatories)") % {"count": signatories})
        return text

    @admin.display(description=_("date"), ordering="date_start")
    def issued_display(self, obj: Statement) -> str:
        return obj.issued.isoformat() if obj.issued else obj.date_text

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, obj: Statement) -> str:
        if obj.status == Statement.Status.PUBLISHED and not obj.is_public:
            return _("Scheduled")
        return obj.get_status_display()

    @admin.display(description=_("tags"))
    def tags_display(self, obj: Statement) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    def save_model(self, request, obj, form, change):
        if change and not form.changed_data:
            return  # nothing of the statement's own changed: no new version of it
        # The request's revision (opened by the middleware) takes the editor's reason.
        revision_context(
            reason=form.cleaned_data.get("revision_reason", ""),
            signed=bool(form.cleaned_data.get("revision_signed")),
        )
        services.statement_save(
            statement=obj,
            previous_slug=form.initial.get("slug") if change else None,
            body_changed="body" in form.changed_data or not change,
        )

    class Media:
        # Names for the author pickers (select2 leaves them unnamed) and underlined links.
        css = {"all": ["css/admin-editor.css"]}
        js = ["js/admin-editor.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at" and field is not None:
            date, time = field.widget.widgets  # the split date and time: one label for both
            date.attrs["aria-label"] = _("Publication date (YYYY-MM-DD)")
            time.attrs["aria-label"] = _("Publication time (HH:MM:SS)")
        if db_field.name == "tags" and field is not None:  # the picker (admin-editor.js)
            field.widget.attrs["data-suggest-url"] = reverse(
                "admin:statements_statement_tag_suggest"
            )
        return field

    def save_related(self, request, form, formsets, change):
        request.statement_unchanged = (
            change
            and not form.changed_data
            and not form.cleaned_data.get("signatories_paste")
            and not any(formset.has_changed() for formset in formsets)
        )
        super().save_related(request, form, formsets, change)
        captures_for_new_sources(form.instance)
        pasted = form.cleaned_data.get("signatories_paste")
        if not pasted:
            # Authors and tags are saved by now: index their names with the statement.
            indexing.statement_search_names_refresh(statement_ids=[form.instance.pk])
        else:  # after the listed credits, which the formset has just saved; it re-indexes
            newest = Author.objects.aggregate(newest=Max("pk"))["newest"] or 0
            added = services.statement_credits_append(statement=form.instance, credits=pasted)
            already = len(pasted) - len(added)
            self.message_user(
                request,
                (
                    ngettext(
                        "%(count)s signatory added (%(already)s already credited).",
                        "%(count)s signatories added (%(already)s already credited).",
                        len(added),
                    )
                    if already
                    else ngettext(
                        "%(count)s signatory added.", "%(count)s signatories added.", len(added)
                    )
                )
                % {"count": len(added), "already": already},
                messages.SUCCESS,
            )
            made = Author.objects.filter(pk__gt=newest, pk__in=[a.author_id for a in added])
            if made:
                self.message_user(request, new_authors_message(request, made), messages.INFO)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django says "… was changed successfully" after every save; a save that changed
        # nothing made no version, and says so.
        if getattr(request, "statement_unchanged", False) and level == messages.SUCCESS:
            message, level = _("Nothing was changed: no new version was made."), messages.INFO
        super().message_user(request, message, level, *args, **kwargs)

    def delete_model(self, request, obj):
        services.statement_delete(statements=Statement.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.statement_delete(statements=queryset)

    @admin.action(description=_("Publish the selected statements"), permissions=["change"])
    def publish(self, request, queryset):
        revision_context(reason="Published from the list of statements")
        published, scheduled = services.statement_publish(statements=queryset)
        message = _("%(count)s statement(s) published.") % {"count": published}
        if scheduled:
            message += " " + _("%(count)s stay scheduled for their publication time.") % {
                "count": scheduled
            }
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected statements"), permissions=["change"])
    def unpublish(self, request, queryset):
        revision_context(reason="Unpublished from the list of statements")
        count = services.statement_unpublish(statements=queryset)
        said = _("%(count)s statement(s) are now drafts.") % {"count": count}
        self.message_user(request, said, messages.SUCCESS)
