"""The rows edited inside a statement's admin page: its credits, sources and old addresses."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from statements.catalog.forms import SourceInlineForm
from statements.models import Authorship, SlugRedirect, Source, SourceLink


class NamedRowsFormSet(BaseInlineFormSet):
    """A table's "delete" checkboxes, each with a name (the column heading is no label)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete this row")


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    formset = NamedRowsFormSet
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]
    extra = 1
    verbose_name = "author or signatory"
    verbose_name_plural = _("Authors and signatories")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A table row's inputs have the column's heading, not a label: name each one.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in ("author", "role", "position"):
            field.widget.attrs["aria-label"] = db_field.verbose_name.capitalize()
        if field is not None and db_field.name == "author":
            # The row is a credit: its red X deleted the author record itself, everywhere.
            # A credit is removed with the row's "Delete" box; authors in their own admin.
            field.widget.can_delete_related = False
            field.widget.can_change_related = False
        return field


# The checks a statement's page shows for each source; its address's page has them all.
LATEST_CHECKS = 5


class SourceInline(admin.StackedInline):
    model = Source
    form = SourceInlineForm
    extra = 1
    readonly_fields = ["link_state"]

    @admin.display(description=_("link check"))
    def link_state(self, obj):
        """What the link checks found at the address, and where its history is."""
        link = (
            SourceLink.objects.filter(url=obj.url).select_related("capture").first()
            if obj is not None and obj.url
            else None
        )
        if link is None:
            return _("Not checked yet: check_sources checks and captures it once published.")
        since = (
            (_(" since %(date)s") % {"date": f"{link.state_since:%Y-%m-%d}"})
            if link.state_since
            else ""
        )
        seen = (
            (_(", last seen %(time)s") % {"time": f"{link.seen_at:%Y-%m-%d %H:%M}"})
            if link.seen_at
            else ""
        )
        captured = (
            _(", captured %(date)s") % {"date": f"{link.capture.captured_at:%Y-%m-%d}"}
            if link.capture
            else _(", no capture")
        )
        latest = [
            f"{c.checked_at:%Y-%m-%d %H:%M} {c.method} {c.status or c.error} → {c.state}"
            for c in link.checks.order_by("-checked_at", "-pk")[:LATEST_CHECKS]
        ]
        return format_html(
            '{}{}{}{} (<a href="{}">{}</a>)<br>{} {}',
            link.get_state_display(),
            since,
            seen,
            captured,
            reverse("admin:statements_sourcelink_change", args=[link.pk]),
            _("every check and capture"),
            _("Latest checks:"),
            "; ".join(latest) or _("none"),
        )


class SlugRedirectInline(admin.TabularInline):
    model = SlugRedirect
    formset = NamedRowsFormSet
    fields = ["old_slug", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    verbose_name = "old address (redirects here)"
    verbose_name_plural = _("old addresses (redirect here)")
