"""Who signs with whom: the co-signature network of published statements.

Two authors are linked when they are credited together, as authors or signatories, on the
same public statement; the link's weight is the number of such statements. Translators and
publishers do not sign. A signatory the public sees only as a number (a statement that lists
its signatories' count, not their names) is never counted: not as a node, not in a weight.

The drawing is computed here (networkx's force-directed layout, seeded so that one archive
always gives one picture) and written as SVG by a template: no JavaScript."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, QuerySet

from statements.models import Author, Authorship, credit_public_via, published_via

SIGNING_ROLES = ("author", "signatory")
DRAWN = 24  # the authors drawn (the most credited); the others are listed
SIZE = 480  # the drawing's own units, square
MARGIN = 80  # room for the names around it


@dataclass(frozen=True)
class CoSigner:
    author_id: int
    name: str
    slug: str
    shared: int  # public statements credited to both
    roles: tuple[str, ...]  # the roles the co-signer held on them


def signs_with(*, author: Author, limit: int = 12) -> list[CoSigner]:
    """The authors most often credited with ``author`` on public statements, with how often
    and in which roles: one query."""
    mine = Authorship.objects.filter(
        published_via("statement"), credit_public_via(), author=author, role__in=SIGNING_ROLES
    )
    rows = (
        Authorship.objects.filter(credit_public_via(), role__in=SIGNING_ROLES)
        .filter(statement_id__in=mine.values("statement_id"))
        .exclude(author=author)
        .values("author_id", "author__name", "author__slug")
        .annotate(
            shared=Count("statement_id", distinct=True),
            roles=ArrayAgg("role", distinct=True, order_by="role"),
        )
        .order_by("-shared", "author__name")[:limit]
    )
    return [
        CoSigner(
            r["author_id"], r["author__name"], r["author__slug"], r["shared"], tuple(r["roles"])
        )
        for r in rows
    ]


@dataclass
class Node:
    author_id: int
    name: str
    slug: str
    statements: int
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0
    label_y: float = 0.0  # the name, under the circle
    rank: int = 0  # its number in the list of the authors drawn (shown on a phone)

    @property
    def short_name(self) -> str:
        return self.name if len(self.name) <= 22 else self.name[:20].rstrip() + "…"


@dataclass
class Edge:
    source: Node
    target: Node
    weight: int
    width: float = 1.0


@dataclass
class Network:
    nodes: list[Node] = field(default_factory=list)  # every author, most credited first
    edges: list[Edge] = field(default_factory=list)  # among the drawn nodes, heaviest first
    drawn: list[Node] = field(default_factory=list)
    size: int = SIZE + 2 * MARGIN
    statements: int = 0  # the public statements it was built from

    @property
    def others(self) -> list[Node]:
        return self.nodes[len(self.drawn) :]


def _credit_sql(statements: QuerySet) -> tuple[str, list]:
    """The public signing credits of ``statements`` (a queryset of statements): SQL of
    (statement_id, author_id) rows, each pair once, compiled by the ORM (values bound)."""
    credits = (
        Authorship.objects.filter(
            credit_public_via(),
            role__in=SIGNING_ROLES,
            statement_id__in=statements.order_by().values("pk"),
        )
        .values("statement_id", "author_id")
        .order_by()
        .distinct()
    )
    sql, params = credits.query.sql_with_params()
    return sql, list(params)


def network_nodes(statements: QuerySet) -> tuple[list[Node], int]:
    """Every author credited on ``statements`` (public ones), with how many of them, most
    first; and how many statements there were: one query."""
    credits, params = _credit_sql(statements)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH credit AS ({credits})"  # noqa: S608 - compiled by the ORM, values bound
            " SELECT a.id, a.name, a.slug, count(*),"
            " (SELECT count(DISTINCT statement_id) FROM credit)"
            " FROM credit JOIN statements_author a ON a.id = credit.author_id"
            " GROUP BY a.id, a.name, a.slug ORDER BY count(*) DESC, a.name, a.id",
            params,
        )
        rows = cursor.fetchall()
    total = rows[0][4] if rows else 0
    return [Node(pk, name, slug, count) for pk, name, slug, count, _total in rows], total


def network_edges(
    statements: QuerySet, among: list[int] | None = None
) -> list[tuple[int, int, int]]:
    """(author, author, statements in common) for every pair credited together on
    ``statements``, or only pairs of ``among``: one query."""
    credits, params = _credit_sql(statements)
    limit = ""
    if among is not None:
        limit = " WHERE a.author_id = ANY(%s) AND b.author_id = ANY(%s)"
        params = [*params, among, among]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH credit AS ({credits})"  # noqa: S608 - compiled by the ORM, values bound
            " SELECT a.author_id, b.author_id, count(*) FROM credit a"
            " JOIN credit b ON b.statement_id = a.statement_id AND a.author_id < b.author_id"
            f"{limit} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
            params,
        )
        return cursor.fetchall()


def network_build(statements: QuerySet, *, drawn: int = DRAWN) -> Network:
    """The network of ``statements``, its most credited authors laid out: two queries."""
    nodes, total = network_nodes(statements)
    network = Network(nodes=nodes, drawn=nodes[:drawn], statements=total)
    by_id = {node.author_id: node for node in network.drawn}
    weights = network_edges(statements, among=list(by_id)) if len(by_id) > 1 else []
    network.edges = [Edge(by_id[a], by_id[b], weight) for a, b, weight in weights]
    _layout(network)
    return network


def _layout(network: Network) -> None:
    import networkx as nx

    nodes = network.drawn
    if not nodes:
        return
    graph = nx.Graph()
    graph.add_nodes_from(node.author_id for node in nodes)
    graph.add_weighted_edges_from(
        (edge.source.author_id, edge.target.author_id, edge.weight) for edge in network.edges
    )
    # Seeded: the same archive draws the same picture. Authors with no link drift to the
    # rim, which is where a reader expects the loners. (One author alone is the centre.)
    positions = nx.spring_layout(graph, seed=1871, iterations=60, weight="weight")
    low_x = min(p[0] for p in positions.values())
    low_y = min(p[1] for p in positions.values())
    span_x = max(p[0] for p in positions.values()) - low_x
    span_y = max(p[1] for p in positions.values()) - low_y

    def placed(value: float, low: float, span: float) -> float:
        return round(MARGIN + ((value - low) / span if span else 0.5) * SIZE, 1)

    most = max(node.statements for node in nodes)
    for rank, node in enumerate(nodes, start=1):
        node.rank = rank
        px, py = positions[node.author_id]
        node.x, node.y = placed(px, low_x, span_x), placed(py, low_y, span_y)
        node.r = round(4 + 14 * math.sqrt(node.statements / most), 1)
        node.label_y = round(node.y + node.r + 13, 1)
    heaviest = max((edge.weight for edge in network.edges), default=1)
    for edge in network.edges:
        edge.width = round(1 + 5 * math.log1p(edge.weight) / math.log1p(heaviest), 2)


def network_graph(statements: QuerySet):
    """The whole network as a networkx graph (for GraphML, GEXF and CSV): nodes with their
    name, address and statements, edges with their weight."""
    import networkx as nx

    nodes, _total = network_nodes(statements)
    graph = nx.Graph()
    for node in nodes:
        graph.add_node(node.slug, label=node.name, statements=node.statements)
    slugs = {node.author_id: node.slug for node in nodes}
    for a, b, weight in network_edges(statements):
        graph.add_edge(slugs[a], slugs[b], weight=weight)
    return graph
