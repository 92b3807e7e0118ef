"""The rows edited inside a statement's admin page: its credits, sources and old addresses."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from statements.catalog.forms import SourceInlineForm
from statements.models import Authorship, SlugRedirect, Source


class NamedRowsFormSet(BaseInlineFormSet):
    """A table's "delete" checkboxes, each with a name (the column heading is no label)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    formset = NamedRowsFormSet
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]
    extra = 1
    verbose_name = "author or signatory"
    verbose_name_plural = "Authors and signatories"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A table row's inputs have the column's heading, not a label: name each one.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in ("author", "role", "position"):
            field.widget.attrs["aria-label"] = db_field.verbose_name.capitalize()
        return field


class SourceInline(admin.StackedInline):
    model = Source
    form = SourceInlineForm
    extra = 1


class SlugRedirectInline(admin.TabularInline):
    model = SlugRedirect
    formset = NamedRowsFormSet
    fields = ["old_slug", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    verbose_name = "old address (redirects here)"
    verbose_name_plural = "old addresses (redirect here)"
