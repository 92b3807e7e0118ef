"""OAI-PMH: every response is checked against the official OAI-PMH XML schema (from pyoai's
source distribution, fetched by `make oai-schema`), oai_dc is checked structurally, and the
whole archive is harvested by a real harvester (sickle) from a live server."""

import datetime
import os
import tarfile
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from sickle import Sickle

from statements.catalog.services import statement_publish, statement_unpublish
from statements.interop import oai, oai_records
from statements.models import Statement, Withdrawal
from tests.factories import make_statement, query_counts

SDIST = Path(__file__).resolve().parents[2] / ".cache/pyoai/pyoai-2.5.0.tar.gz"
NS = {"o": oai_records.OAI, "dc": oai_records.DC, "oai_dc": oai_records.OAI_DC}
DC_ELEMENTS = {
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
}  # fmt: skip


@pytest.fixture(scope="session")
def oai_schema():
    if not SDIST.exists():
        reason = f"{SDIST} is missing: run `make oai-schema` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(f"The OAI-PMH schema is needed under CI: {reason}")
        pytest.skip(f"OAI SCHEMA TESTS SKIPPED: {reason}")
    with tarfile.open(SDIST) as sdist:
        xsd = sdist.extractfile("pyoai-2.5.0/src/oaipmh/tests/OAI-PMH.xsd").read()
    return etree.XMLSchema(etree.fromstring(xsd))


@pytest.fixture
def ask(client, oai_schema):
    """GET /oai/ with these arguments; the response must be HTTP 200 and schema-valid."""

    def get(method="get", **params):
        response = getattr(client, method)("/oai/", params)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        root = etree.fromstring(response.content)
        oai_schema.assertValid(root)
        return root

    return get


def error_code(root) -> str | None:
    found = root.find("o:error", NS)
    return found.get("code") if found is not None else None


def check_oai_dc(dc) -> dict[str, list[str]]:
    """oai_dc by its schema's rules: the oai_dc:dc root, then only the 15 DC elements, each
    with text and no attributes or children. Returns the values by element."""
    assert dc.tag == f"{{{oai_records.OAI_DC}}}dc"
    values: dict[str, list[str]] = {}
    for element in dc:
        namespace, _, name = element.tag[1:].partition("}")
        assert namespace == oai_records.DC and name in DC_ELEMENTS, element.tag
        assert len(element) == 0 and element.text and not element.attrib
        values.setdefault(name, []).append(element.text)
    return values


def header_ids(root) -> list[str]:
    return [h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)]


def _archive():
    made = {
        "full": make_statement(
            "Rent strike now",
            slug="rent-strike-now",
            issued="2025-03",
            authors=["Harbour Collective"],
            signatories=["Group A"],
            tags=["housing"],
            language="en",
            summary="A call.",
            rights="CC BY 4.0",
        ),
        "year": make_statement("Year only", issued="1999", authors=["Dock Union"], tags=["x"]),
        "day": make_statement("A day", issued="2024-11-05", tags=["住房"]),
        "undated": make_statement("Undated"),
        "draft": make_statement("Secret draft", published=False, tags=["leak"]),
        "scheduled": make_statement(
            "Scheduled one",
            published_at=timezone.now() + datetime.timedelta(days=2),
            authors=["Hidden Group"],
        ),
        "withdrawn": make_statement("Withdrawn one", tags=["housing"], authors=["Gone Group"]),
        "deleted": make_statement("Deleted one", tags=["housing"], authors=["Gone Group"]),
    }
    statement_unpublish(statements=Statement.objects.filter(pk=made["withdrawn"].pk))
    deleted_pk = made["deleted"].pk
    made["deleted"].delete()
    made["deleted"].pk = deleted_pk  # for identifier(): Django clears it on delete
    return made


@pytest.fixture
def archive(db):
    return _archive()


def identifier(statement) -> str:
    return f"oai:testserver:statement/{statement.pk}"


def test_identify(ask, archive):
    root = ask(verb="Identify")
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://testserver/oai/"
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert root.find("o:request", NS).get("verb") == "Identify"


def test_list_metadata_formats(ask, archive):
    root = ask(verb="ListMetadataFormats")
    assert [e.text for e in root.iterfind(".//o:metadataPrefix", NS)] == ["oai_dc"]
    root = ask(verb="ListMetadataFormats", identifier=identifier(archive["full"]))
    assert [e.text for e in root.iterfind(".//o:metadataPrefix", NS)] == ["oai_dc"]


def test_list_sets_by_tag_and_by_author(ask, archive):
    root = ask(verb="ListSets")
    specs = [e.text for e in root.iterfind(".//o:setSpec", NS)]
    tag = next(iter(archive["day"].tags.all()))
    assert specs[:2] == ["tag", "author"]
    assert set(specs) == {
        "tag",
        "author",
        "tag:housing",
        "tag:x",
        f"tag:id.{tag.pk}",  # 住房: outside setSpec's alphabet
        "author:harbour-collective",
        "author:group-a",
        "author:dock-union",
    }


def test_get_record_maps_to_oai_dc_with_partial_dates(ask, archive):
    root = ask(verb="GetRecord", identifier=identifier(archive["full"]), metadataPrefix="oai_dc")
    record = root.find(".//o:record", NS)
    header = record.find("o:header", NS)
    assert header.findtext("o:identifier", namespaces=NS) == identifier(archive["full"])
    assert sorted(e.text for e in header.iterfind("o:setSpec", NS)) == [
        "author:group-a",
        "author:harbour-collective",
        "tag:housing",
    ]
    values = check_oai_dc(record.find("o:metadata/oai_dc:dc", NS))
    assert values["title"] == ["Rent strike now"]
    assert values["creator"] == ["Harbour Collective"]
    assert values["contributor"] == ["Group A"]
    assert values["date"] == ["2025-03"]
    assert values["identifier"] == ["http://testserver/statements/rent-strike-now/"]
    assert values["language"] == ["en"]
    assert values["rights"] == ["CC BY 4.0"]
    for key, date in (("year", "1999"), ("day", "2024-11-05")):
        root = ask(verb="GetRecord", identifier=identifier(archive[key]), metadataPrefix="oai_dc")
        assert check_oai_dc(root.find(".//oai_dc:dc", NS))["date"] == [date]
    root = ask(verb="GetRecord", identifier=identifier(archive["undated"]), metadataPrefix="oai_dc")
    assert "date" not in check_oai_dc(root.find(".//oai_dc:dc", NS))


def test_withdrawn_and_deleted_statements_are_deleted_records(ask, archive):
    for key in ("withdrawn", "deleted"):
        root = ask(verb="GetRecord", identifier=identifier(archive[key]), metadataPrefix="oai_dc")
        record = root.find(".//o:record", NS)
        assert record.find("o:header", NS).get("status") == "deleted"
        assert record.find("o:metadata", NS) is None
        # Its identifier and datestamp only: no set names its tags or authors.
        header = record.find("o:header", NS)
        assert [child.tag.split("}")[1] for child in header] == ["identifier", "datestamp"]
    # Nor is it listed in a set: what it was filed under is not kept.
    root = ask(verb="ListIdentifiers", metadataPrefix="oai_dc", set="tag:housing")
    assert not root.findall(".//o:header[@status='deleted']", NS)
    assert Withdrawal.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM statements_withdrawal")
        kept = [column.name for column in cursor.description]
    assert sorted(kept) == ["id", "statement_id", "withdrawn_at"]
    whole = etree.tostring(ask(verb="ListRecords", metadataPrefix="oai_dc"), encoding="unicode")
    assert "gone-group" not in whole and "Gone Group" not in whole


def test_republished_statement_is_a_live_record_again(ask, archive):
    statement_publish(statements=Statement.objects.filter(pk=archive["withdrawn"].pk))
    root = ask(
        verb="GetRecord", identifier=identifier(archive["withdrawn"]), metadataPrefix="oai_dc"
    )
    assert root.find(".//o:header", NS).get("status") is None
    # Withdrawn again later: deleted again, with a newer datestamp.
    before = Withdrawal.objects.get(statement_id=archive["withdrawn"].pk).withdrawn_at
    Statement.objects.filter(pk=archive["withdrawn"].pk).update(status="draft")
    assert Withdrawal.objects.get(statement_id=archive["withdrawn"].pk).withdrawn_at >= before
    root = ask(
        verb="GetRecord", identifier=identifier(archive["withdrawn"]), metadataPrefix="oai_dc"
    )
    assert root.find(".//o:header", NS).get("status") == "deleted"


def test_drafts_and_scheduled_appear_in_no_verb(ask, archive):
    bodies = [
        etree.tostring(ask(verb=verb, metadataPrefix="oai_dc"), encoding="unicode")
        for verb in ("ListRecords", "ListIdentifiers")
    ]
    bodies.append(etree.tostring(ask(verb="ListSets"), encoding="unicode"))
    for body in bodies:
        for secret in ("Secret draft", "Scheduled one", "hidden-group", "leak"):
            assert secret not in body
        for key in ("draft", "scheduled"):
            assert identifier(archive[key]) + "<" not in body
    # A statement that was never public has no deleted record either.
    for key in ("draft", "scheduled"):
        root = ask(verb="GetRecord", identifier=identifier(archive[key]), metadataPrefix="oai_dc")
        assert error_code(root) == "idDoesNotExist"


ID = "oai:testserver:statement/"
LIST = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
GET = {"verb": "GetRecord", "metadataPrefix": "oai_dc"}
PROTOCOL_ERRORS = [
    ({}, "badVerb"),
    ({"verb": "Nonsense"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({**LIST, "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument"),
    ({**LIST, "from": "2025-13-01"}, "badArgument"),
    ({**LIST, "from": "yesterday"}, "badArgument"),
    ({**LIST, "from": "2025-01-01", "until": "2026-01-01T00:00:00Z"}, "badArgument"),
    ({**LIST, "from": "2026-01-02", "until": "2026-01-01"}, "badArgument"),
    ({**LIST, "resumptionToken": "x"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "forged"}, "badResumptionToken"),
    ({**LIST, "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({**GET, "metadataPrefix": "mods", "identifier": f"{ID}1"},
     "cannotDisseminateFormat"),
    ({**GET, "identifier": "oai:elsewhere:statement/1"}, "idDoesNotExist"),
    ({**GET, "identifier": "\x00"}, "badArgument"),
    ({**GET, "identifier": "not a uri %zz [<>\"{}|\\^`"}, "badArgument"),
    ({**GET, "identifier": "urn:x:statement/1"}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": f"{ID}99999999"}, "idDoesNotExist"),
    ({**LIST, "set": "tag:no-such-tag"}, "noRecordsMatch"),
    ({**LIST, "from": "2999-01-01"}, "noRecordsMatch"),
    ({**LIST, "set": "colour:red"}, "noRecordsMatch"),
    ({**LIST, "set": "tag:"}, "badArgument"),
    ({**LIST, "set": "tag:a b"}, "badArgument"),
    ({**LIST, "metadataPrefix": "oai dc"}, "badArgument"),
    ({**LIST, "set": "tag:id.99999999999999999999999"}, "noRecordsMatch"),
    ({**LIST, "set": "author:id.0"}, "noRecordsMatch"),
]  # fmt: skip


@pytest.mark.parametrize("params, code", PROTOCOL_ERRORS)
def test_protocol_errors(ask, archive, params, code):
    root = ask(**params)
    assert error_code(root) == code
    request = root.find("o:request", NS)
    # The request's attributes are left out exactly when the verb or arguments were bad.
    assert bool(request.attrib) is (code not in ("badVerb", "badArgument"))


def test_no_set_hierarchy_when_nothing_is_in_a_set(ask, db):
    make_statement("Alone")
    assert error_code(ask(verb="ListSets")) == "noSetHierarchy"


def test_another_verbs_token_is_refused(ask, archive, monkeypatch):
    monkeypatch.setattr(oai_records, "PAGE_SIZE", 2)
    root = ask(verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.findtext(".//o:resumptionToken", namespaces=NS)
    assert token
    assert error_code(ask(verb="ListRecords", resumptionToken=token)) == "badResumptionToken"


def test_post_works_like_get(ask, archive):
    root = ask(method="post", verb="ListIdentifiers", metadataPrefix="oai_dc", set="tag:x")
    assert [
        h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)
    ] == [identifier(archive["year"])]


def test_from_and_until_select_by_datestamp(ask, archive):
    old = timezone.now() - datetime.timedelta(days=30)
    Statement.objects.filter(pk=archive["year"].pk).update(updated_at=old, published_at=old)
    day = old.date().isoformat()
    root = ask(verb="ListIdentifiers", metadataPrefix="oai_dc", until=day)
    assert [
        h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)
    ] == [identifier(archive["year"])]
    root = ask(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": day, "until": day})
    assert len(root.findall(".//o:header", NS)) == 1
    after = (old + datetime.timedelta(days=1)).date().isoformat()
    root = ask(verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": after})
    ids = {h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)}
    assert identifier(archive["year"]) not in ids and len(ids) == 5
    root = ask(verb="ListIdentifiers", metadataPrefix="oai_dc", until="9999-12-31")
    assert len(header_ids(root)) == 6
    root = ask(verb="ListIdentifiers", metadataPrefix="oai_dc", until="9999-12-31T23:59:59Z")
    assert len(header_ids(root)) == 6


def test_list_records_query_count_is_constant(client, archive, monkeypatch):
    monkeypatch.setattr(oai_records, "PAGE_SIZE", 50)

    def grow():
        for n in range(5):
            make_statement(f"More {n}", authors=[f"Group {n}"], tags=[f"t{n}"], signatories=["B"])

    for verb in ("ListRecords", "ListIdentifiers"):
        url = f"/oai/?verb={verb}&metadataPrefix=oai_dc"
        before, after = query_counts(client, url, grow=grow)
        assert before == after


@pytest.mark.parametrize(
    "query", ["verb=Identify", "verb=ListSets", "verb=ListMetadataFormats", "verb=GetRecord"]
)
def test_other_verbs_query_count_is_constant(client, archive, query):
    if query == "verb=GetRecord":
        query += f"&metadataPrefix=oai_dc&identifier={identifier(archive['full'])}"

    def grow():
        for n in range(5):
            make_statement(f"More {n}", authors=[f"Group {n}"], tags=[f"t{n}"], signatories=["B"])
        Statement.objects.filter(title="More 0").update(status="draft")  # one more withdrawal

    before, after = query_counts(client, f"/oai/?{query}", grow=grow)
    assert before == after


@pytest.fixture
def live_archive(transactional_db):
    made = _archive()
    for n in range(7):
        make_statement(f"Extra {n}", tags=["housing" if n % 2 else "x"])
    return made


@pytest.mark.slow
def test_sickle_harvests_the_whole_archive_page_by_page(live_server, live_archive, monkeypatch):
    monkeypatch.setattr(oai_records, "PAGE_SIZE", 3)
    harvester = Sickle(live_server.url + "/oai/", max_retries=0)
    assert harvester.Identify().repositoryName == "Statement Archive"
    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    host = live_server.url.split("//")[1].split(":")[0]
    public = Statement.objects.published()
    expected = {f"oai:{host}:statement/{pk}" for pk in public.values_list("pk", flat=True)}
    live = {r.header.identifier for r in records if not r.header.deleted}
    deleted = {r.header.identifier for r in records if r.header.deleted}
    assert len(records) == len(live) + len(deleted) == 13  # no record twice
    assert live == expected
    assert deleted == {
        f"oai:{host}:statement/{live_archive[key].pk}" for key in ("withdrawn", "deleted")
    }
    titles = {r.metadata["title"][0] for r in records if not r.header.deleted}
    assert "Rent strike now" in titles and "Secret draft" not in titles

    by_set = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="tag:housing"))
    assert len(by_set) == 1 + 3  # rent strike, three extras (deleted records are in no set)
    sets = {s.setSpec for s in harvester.ListSets()}
    assert {"tag", "author", "tag:housing"} <= sets


NAMES = ["verb", "identifier", "metadataPrefix", "set", "from", "until", "resumptionToken", "x"]


@settings(
    # 150, or more under a profile that asks for more (HYPOTHESIS_PROFILE=thorough).
    max_examples=max(150, settings.default.max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    params=st.dictionaries(
        st.sampled_from(NAMES),
        st.one_of(
            st.sampled_from([*oai.VERBS, "oai_dc", "tag:housing", "2025-01-01", "tag"]),
            st.text(max_size=40),
        ),
        max_size=5,
    )
)
# Found by Hypothesis: an `until` that is not a datestamp was echoed with cannotDisseminateFormat.
@example(params={"verb": "ListRecords", "metadataPrefix": "Identify", "until": "GetRecord"})
@example(
    params={
        "verb": "ListIdentifiers",
        "metadataPrefix": "Identify",
        "set": "Identify",
        "until": "ListIdentifiers",
    }
)
def test_any_arguments_get_a_valid_answer(client, oai_schema, db, params):
    response = client.get("/oai/", params)
    assert response.status_code == 200
    oai_schema.assertValid(etree.fromstring(response.content))


def test_an_authors_set_describes_its_wikidata_and_viaf_records(ask, archive):
    from statements.models import Author

    Author.objects.filter(slug="dock-union").update(wikidata_id="Q42", viaf_id="113230702")
    root = ask(verb="ListSets")
    [entry] = [
        s
        for s in root.iterfind(".//o:set", NS)
        if s.findtext("o:setSpec", None, NS) == "author:dock-union"
    ]
    [dc] = entry.find("o:setDescription", NS)
    assert check_oai_dc(dc) == {
        "identifier": ["https://www.wikidata.org/wiki/Q42", "https://viaf.org/viaf/113230702"]
    }
    others = [
        s for s in root.iterfind(".//o:set", NS) if s.find("o:setDescription", NS) is not None
    ]
    assert len(others) == 1
