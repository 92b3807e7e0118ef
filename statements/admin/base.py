"""What the admin's pages share: a change that makes public pages stale, and the check of a
list page's parameters (a NUL or an impossible date is a 400 with a message, never a 500
from the database)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from statements.catalog.changes import public_pages_changed_of

# Date parts list pages have taken (the year filter, a date hierarchy), with their ranges:
# old links with an impossible value still get a 400 with the reason.
DATE_PARAMETERS = {
    "year": (1, 9999),
    "date_start__year": (1, 9999),
    "date_start__month": (1, 12),
    "date_start__day": (1, 31),
}


def list_parameter_problem(params) -> str:
    """What is wrong with a list page's parameters, in words an editor can act on, or ""."""
    for name, values in params.lists():
        if name == "q":  # the search box: the admin's own form refuses a NUL with a message
            continue
        for value in values:
            if any(ord(char) < 32 for char in value):
                return _("The value of “%(name)s” contains control characters.") % {
                    "name": name[:40]
                }
            if name in DATE_PARAMETERS:
                low, high = DATE_PARAMETERS[name]
                if not (value.isdigit() and low <= int(value) <= high):
                    return _("“%(value)s” is not a %(part)s (%(low)s to %(high)s).") % {
                        "value": value[:20],
                        "part": name.rsplit("_", 1)[-1],
                        "low": low,
                        "high": high,
                    }
    return ""


class ListParametersChecked:
    """A list page answers 400 with the problem, instead of passing a NUL or an impossible
    date to the database."""

    def changelist_view(self, request, extra_context=None):
        problem = list_parameter_problem(request.GET)
        if problem:
            return render(request, "400.html", {"message": problem}, status=400)
        return super().changelist_view(request, extra_context)


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


def statements_link(count: int, parameter: str, value: str) -> str:
    """ "N statements", linked to the statements' admin list filtered to them."""
    from django.urls import reverse
    from django.utils.html import format_html

    url = reverse("admin:statements_statement_changelist") + "?" + urlencode({parameter: value})
    said = ngettext("%(count)s statement", "%(count)s statements", count) % {"count": count}
    return format_html('<a href="{}">{}</a>', url, said)
