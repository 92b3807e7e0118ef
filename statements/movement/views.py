"""``/network/``: the co-signature network of the archive, or of a tag, a period or a search,
drawn as SVG with the same links as a table; and its downloads (GraphML, GEXF, CSV)."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from statements.cache import public_page
from statements.catalog import selectors
from statements.catalog.filters import (
    FilterError,
    StatementFilters,
    single_value,
    statement_filters_parse,
)
from statements.catalog.network import network_build, network_graph
from statements.catalog.pages import bad_request, crumbs, filter_targets_or_404
from statements.search.query import SearchSyntaxError, search_query, search_text_clean

PARAMS = ("tag", "from", "to", "q")
FORMATS = {
    "graphml": "application/graphml+xml; charset=utf-8",
    "gexf": "application/gexf+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def _statements(request: HttpRequest):
    """The public statements the parameters choose, and what the page says of them; a
    parameter it does not take, or a bad value, is refused with the reason."""
    filters = statement_filters_parse(request.GET)
    text, _cut = search_text_clean(single_value(request.GET, "q"))
    tags, _author = filter_targets_or_404(filters)  # an unknown tag, as on the list: 404
    statements = selectors.statement_filtered(
        filters=StatementFilters(
            tags=filters.tags, date_from=filters.date_from, date_to=filters.date_to
        ),
        tags=tags,
    )
    if text:
        query = search_query(text)
        statements = statements.filter(search_vector=query) if query else statements.none()
    return statements, filters, tags, text


def _address(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


@require_safe
@public_page(params=PARAMS)
def network(request: HttpRequest) -> HttpResponse:
    try:
        statements, filters, tags, text = _statements(request)
    except (FilterError, SearchSyntaxError) as error:
        return bad_request(request, str(error))
    graph = network_build(statements)  # kept by the page cache with the lists (its default)
    query = request.GET.urlencode()
    return render(
        request,
        "statements/network.html",
        {
            "network": graph,
            "tags": tags,
            "filters": filters,
            "text": text,
            "downloads": [
                (label, _address(reverse("statements:network_download", args=[name]), query))
                for name, label in (
                    ("graphml", _("GraphML")),
                    ("gexf", _("GEXF")),
                    ("csv", _("CSV")),
                )
            ],
            "crumbs": crumbs((_("Who signs with whom"), None)),
        },
    )


@require_safe
@public_page(params=PARAMS)
def network_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The network as GraphML or GEXF (Gephi reads both), or a CSV list of its edges;
    weights are the statements two authors share."""
    import networkx as nx

    if fmt not in FORMATS:
        raise Http404(_("The network is offered as graphml, gexf or csv."))
    try:
        statements, *_rest = _statements(request)
    except (FilterError, SearchSyntaxError) as error:
        return bad_request(request, str(error))
    graph = network_graph(statements)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["source", "target", "weight", "source_name", "target_name"])
        for a, b, data in sorted(
            graph.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1])
        ):
            writer.writerow(
                [a, b, data["weight"], graph.nodes[a]["label"], graph.nodes[b]["label"]]
            )
        content = out.getvalue()
    elif fmt == "graphml":
        content = "\n".join(nx.generate_graphml(graph))
    else:
        content = "\n".join(nx.generate_gexf(graph))
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="network.{fmt}"'
    return response
