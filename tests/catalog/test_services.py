import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from statements.catalog.services import statement_bulk_create
from statements.core.dates import PartialDate
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.models import Author, Statement, Tag
from tests.factories import make_statement


def _items(count: int, offset: int = 0) -> list[StatementData]:
    return [
        StatementData(
            title=f"Bulk statement {i % 3}",
            body=f"## Heading\n\nBody *{i}*.",
            issued=PartialDate(2000 + i % 20, 1 + i % 12),
            credits=[
                AuthorCredit(name="Shared Collective"),
                AuthorCredit(name=f"Author {i + offset}"),
                AuthorCredit(name="shared  COLLECTIVE", role="signatory"),
            ],
            sources=[SourceData(url=f"https://example.org/{i}", retrieved_on=PartialDate(2024))],
            tags=["Mutual Aid", "mutual aid", f"tag {i % 4}"],
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_bulk_create_matches_names_and_keeps_slugs_unique():
    make_statement("Bulk statement 0", tags=["mutual aid"], authors=["SHARED collective"])
    created = statement_bulk_create(items=_items(9))
    assert len(created) == 9
    assert Statement.objects.count() == 10
    slugs = list(Statement.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == 10
    assert Author.objects.filter(name__iexact="shared collective").count() == 1
    assert Tag.objects.filter(name__iexact="mutual aid").count() == 1
    statement = Statement.objects.get(pk=created[4].pk)
    assert statement.body_html == '<h2 id="heading">Heading</h2>\n<p>Body <em>4</em>.</p>\n'
    assert statement.body_toc == [{"level": 2, "id": "heading", "text": "Heading"}]
    assert statement.issued == PartialDate(2004, 5)
    assert [
        (a.author.name, a.role) for a in statement.authorships.order_by("role", "position")
    ] == [
        ("SHARED collective", "author"),
        ("Author 4", "author"),
        ("SHARED collective", "signatory"),
    ]
    assert statement.sources.get().retrieved_on == PartialDate(2024)
    assert sorted(statement.tags.names()) == ["mutual aid", "tag 0"]


@pytest.mark.django_db
def test_bulk_create_query_count_does_not_grow_with_batch():
    def queries(count, offset):
        with CaptureQueriesContext(connection) as captured:
            statement_bulk_create(items=_items(count, offset))
        return len(captured)

    queries(5, 0)  # the shared author and tags exist from here on
    assert queries(5, 100) == queries(50, 200)


@pytest.mark.django_db
def test_bulk_create_is_atomic():
    items = _items(3)
    items[2].language = "xx"
    with pytest.raises(Exception, match="language code"):
        statement_bulk_create(items=items)
    assert not Statement.objects.exists()
    assert not Author.objects.exists()


@pytest.mark.django_db
def test_names_match_as_the_database_compares_them():
    """Case, spacing and accents aside, as PostgreSQL's lower() and unaccent() see them:
    unaccent folds ß to ss, so "STRASSE" is the same collective as "Straße"."""
    statement_bulk_create(
        items=[StatementData(title="One", credits=[AuthorCredit(name="Straße Kollektiv")])]
    )
    statement_bulk_create(
        items=[
            StatementData(
                title="Two", credits=[AuthorCredit(name="STRASSE kollektiv")], tags=["Größe"]
            ),
            StatementData(
                title="Three", credits=[AuthorCredit(name="straße  KOLLEKTIV")], tags=["GRÖSSE"]
            ),
        ]
    )
    assert list(Author.objects.values_list("name", flat=True)) == ["Straße Kollektiv"]
    assert Statement.objects.filter(authors__name="Straße Kollektiv").count() == 3
    assert list(Tag.objects.values_list("name", flat=True)) == ["Größe"]


@pytest.mark.django_db
def test_name_matching_is_served_by_the_fold_indexes():
    """A seq scan of every author per imported batch cost a 100,000 load over a minute."""
    from django.db import connection

    from statements.models import folded_name

    for model, index in (
        (Author, "statements_author_name_fold"),
        (Tag, "statements_tag_name_fold"),
    ):
        queryset = model.objects.annotate(folded=folded_name()).filter(folded__in=["petr"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan
