"""/about/redactions/: what the archive has withheld, counted, like a transparency report."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from statements.cache import public_page
from statements.catalog.pages import crumbs
from statements.redaction.report import redactions_by_month


@require_safe
@public_page
def redactions(request: HttpRequest) -> HttpResponse:
    rows = redactions_by_month()
    months = [(month, list(items)) for month, items in groupby(rows, key=lambda r: r.month)]
    return render(
        request,
        "statements/redactions.html",
        {"months": months, "crumbs": crumbs((_("What the archive withholds"), None))},
    )
