from django.contrib import admin, messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from taggit.models import Tag as TaggitDefaultTag

from statements import (
    admin_files,  # noqa: F401  (registers the imported files' admin)
    admin_sources,  # noqa: F401  (registers the cited addresses' admin)
)
from statements.admin_history import StatementHistoryMixin
from statements.admin_import import StatementImportMixin
from statements.admin_inlines import AuthorshipInline, SlugRedirectInline, SourceInline
from statements.admin_lists import (
    AuthorKindFilter,
    ListParametersChecked,
    TagFilter,
    YearFilter,
)
from statements.admin_preview import StatementPreviewMixin
from statements.admin_sources import captures_for_new_sources
from statements.admin_tags import TagSuggestMixin
from statements.cache import public_pages_changed_of
from statements.catalog import indexing, merging, services
from statements.catalog.forms import MergeForm, StatementAdminForm, TagMergeForm
from statements.catalog.revisions import revision_context
from statements.models import (
    Author,
    Authorship,
    ImportedFile,
    Statement,
    Tag,
)
from statements.search.query import search_query, search_text_clean

# We use our own tag model; taggit's default one would only confuse editors.
admin.site.unregister(TaggitDefaultTag)


class PublicPagesChange:
    """A change made in the admin makes the cached public pages showing it stale."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_pages_changed_of(self.model, [obj.pk])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        public_pages_changed_of(self.model, [form.instance.pk])

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        public_pages_changed_of(self.model, [pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        public_pages_changed_of(self.model, ids)


@admin.register(Statement)
class StatementAdmin(
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
    list_filter = ["status", "language", TagFilter, YearFilter, AuthorKindFilter]
    # The search box runs the public search's full-text index (get_search_results), plus
    # a title substring match served by the title's trigram index; bodies are never scanned.
    search_fields = ["title"]
    search_help_text = "Words from the title, text, authors or tags (“a phrase”, or, -word)."
    date_hierarchy = "date_start"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "imported_from_display"]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    fieldsets = [
        (
            "Publication",
            {
                "fields": ["status", "published_at"],
                "description": "Choose “Published” and leave the time empty to publish now; "
                "a time to come schedules it.",
            },
        ),
        (None, {"fields": ["title", "subtitle", "slug", "summary", "body"]}),
        ("Date, place and language", {"fields": ["issued", "date_text", "place", "language"]}),
        ("Signatories", {"fields": ["signatories_paste"]}),
        ("Tags and rights", {"fields": ["tags", "rights", "editorial_notes"]}),
        ("Record", {"fields": ["created_at", "updated_at", "uid", "imported_from_display"]}),
        ("This change", {"fields": ["revision_reason", "revision_signed"]}),
    ]

    @admin.display(description="imported from")
    def imported_from_display(self, obj):
        if obj is None or obj.imported_from_id is None:
            return "Not imported from a file."
        original = ImportedFile.objects.only("name", "sha256", "size", "imported_at").get(
            pk=obj.imported_from_id
        )
        return format_html(
            '<a href="{}">{}</a> ({} bytes, imported {})<br>SHA-256 <code>{}</code>',
            reverse("admin:statements_importedfile_download", args=[original.pk]),
            original.name,
            f"{original.size:,}",
            original.imported_at.strftime("%Y-%m-%d %H:%M"),
            original.sha256,
        )

    change_list_template = "admin/statements/statement/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        text, _ = search_text_clean(search_term)
        if not text:
            return queryset, False
        matches = Q(title__icontains=text)
        query = search_query(text)
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

    @admin.display(description="authors")
    def authors_display(self, obj: Statement) -> str:
        names = [a.author.name for a in obj.authorships.all() if a.role == Authorship.Role.AUTHOR]
        signatories = sum(1 for a in obj.authorships.all() if a.role == Authorship.Role.SIGNATORY)
        text = ", ".join(names)
        if signatories:
            text += f" (+{signatories} signatories)"
        return text

    @admin.display(description="date", ordering="date_start")
    def issued_display(self, obj: Statement) -> str:
        return obj.issued.isoformat() if obj.issued else obj.date_text

    @admin.display(description="status", ordering="status")
    def status_display(self, obj: Statement) -> str:
        if obj.status == Statement.Status.PUBLISHED and not obj.is_public:
            return "Scheduled"
        return obj.get_status_display()

    @admin.display(description="tags")
    def tags_display(self, obj: Statement) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    def save_model(self, request, obj, form, change):
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
            date.attrs["aria-label"] = "Publication date (YYYY-MM-DD)"
            time.attrs["aria-label"] = "Publication time (HH:MM:SS)"
        if db_field.name == "tags" and field is not None:  # the picker (admin-editor.js)
            field.widget.attrs["data-suggest-url"] = reverse(
                "admin:statements_statement_tag_suggest"
            )
        return field

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        captures_for_new_sources(form.instance)
        pasted = form.cleaned_data.get("signatories_paste")
        if not pasted:
            # Authors and tags are saved by now: index their names with the statement.
            indexing.statement_search_names_refresh(statement_ids=[form.instance.pk])
        else:  # after the listed credits, which the formset has just saved; it re-indexes
            added = services.statement_credits_append(statement=form.instance, credits=pasted)
            already = len(pasted) - len(added)
            self.message_user(
                request,
                f"{len(added)} signator{'y' if len(added) == 1 else 'ies'} added"
                + (f" ({already} already credited)" if already else "")
                + ".",
                messages.SUCCESS,
            )

    def delete_model(self, request, obj):
        services.statement_delete(statements=Statement.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.statement_delete(statements=queryset)

    @admin.action(description="Publish the selected statements", permissions=["change"])
    def publish(self, request, queryset):
        revision_context(reason="Published from the list of statements")
        published, scheduled = services.statement_publish(statements=queryset)
        message = f"{published} statement(s) published."
        if scheduled:
            message += f" {scheduled} stay scheduled for their publication time."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish the selected statements", permissions=["change"])
    def unpublish(self, request, queryset):
        revision_context(reason="Unpublished from the list of statements")
        count = services.statement_unpublish(statements=queryset)
        self.message_user(request, f"{count} statement(s) are now drafts.", messages.SUCCESS)


@admin.register(Author)
class AuthorAdmin(ListParametersChecked, PublicPagesChange, admin.ModelAdmin):
    list_display = ["name", "kind", "location", "statement_count"]
    list_filter = ["kind"]
    search_fields = ["name", "alternative_names"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(statement_count=Count("authorships__statement", distinct=True))
        )

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, obj: Author) -> int:
        return obj.statement_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            indexing.author_search_names_refresh(author=obj)

    actions = ["merge"]

    @admin.action(description="Merge the selected authors into one", permissions=["change"])
    def merge(self, request, queryset):
        """A confirmation page with each record and every credit that moves, then the
        merge (catalog.merging.author_merge)."""
        authors = list(queryset.order_by("name"))
        if len(authors) < 2:
            self.message_user(request, "Select at least two authors to merge.", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if "into" in request.POST else None,
            choices=queryset.order_by("name"),
            label="Keep this author (the others' names become its alternative names)",
        )
        if form.is_valid():
            into = form.cleaned_data["into"]
            moved = merging.author_merge(authors=authors, into=into)
            merged = ", ".join(a.name for a in authors if a.pk != into.pk)
            self.message_user(
                request,
                f"Merged {merged} into {into.name}: {moved} credit(s) moved; the old "
                "addresses redirect to the kept author's page.",
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
                "title": "Merge authors",
                "opts": self.model._meta,
                "form": form,
                "authors": authors,
                "credits": credits,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Tag)
class TagAdmin(ListParametersChecked, PublicPagesChange, admin.ModelAdmin):
    list_display = ["name", "slug", "statement_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_count=Count("tagged_statements"))

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, obj: Tag) -> int:
        return obj.statement_count

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

    @admin.action(description="Merge the selected tags into one", permissions=["change"])
    def merge(self, request, queryset):
        tags = queryset.order_by("name")
        if tags.count() < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        form = TagMergeForm(request.POST if "into" in request.POST else None, tags=tags)
        if form.is_valid():
            into = form.cleaned_data["into"]
            merged = [tag.name for tag in tags if tag.pk != into.pk]
            moved = merging.tag_merge(tags=list(tags), into=into)
            self.message_user(
                request,
                f"Merged {', '.join(merged)} into {into.name} ({moved} statement(s) gained it).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(
            request,
            "admin/statements/tag/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge tags",
                "opts": self.model._meta,
                "form": form,
                "tags": tags,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


def view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect (``/admin/r/<type>/<id>/``), for staff who may
    view that kind of object only: to anyone else it would reveal a draft's address."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut
    from django.http import Http404

    kind = (
        ContentType.objects.filter(pk=content_type_id).first()
        if content_type_id.isdigit()
        else None
    )
    if kind is None or not request.user.has_perm(f"{kind.app_label}.view_{kind.model}"):
        raise Http404("Nothing to view here.")
    return shortcut(request, content_type_id, object_id)
