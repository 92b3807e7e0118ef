"""OAI-PMH's records: identifiers, datestamps, sets, harvest positions (signed resumption
tokens), the statements and withdrawals a list or a record holds, and their XML (headers,
and oai_dc by the archive's Dublin Core mapping). The protocol is in oai.py."""

from __future__ import annotations

import contextlib
import datetime
import re
from dataclasses import dataclass

from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch, Q
from lxml import etree

from statements.core.xmltext import xml_element
from statements.interop.metadata import dublin_core
from statements.models import (
    Author,
    Authorship,
    Source,
    Statement,
    Tag,
    TaggedStatement,
    Withdrawal,
    credit_public_via,
    last_changed,
    tags_by_name,
    tags_prefetch,
)

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
PAGE_SIZE = 100
TOKEN_SALT = "statements.oai.resumption"  # noqa: S105 - a signing salt, not a secret
SET_SPEC_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
IDENTIFIER_RE = re.compile(r"oai:(?P<host>[^:]+):statement/(?P<pk>[1-9][0-9]{0,17})")
DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def set_spec(kind: str, slug: str, pk: int) -> str:
    """The setSpec of a tag or an author (the SQL function archive_set_spec says the same)."""
    return f"{kind}:{slug}" if SET_SPEC_RE.fullmatch(slug) else f"{kind}:id.{pk}"


def statement_identifier(host: str, pk: int) -> str:
    return f"oai:{host}:statement/{pk}"


def datestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(name: str, value: str) -> tuple[datetime.datetime, str]:
    """A from/until argument: (the moment, its granularity)."""
    try:
        if DAY_RE.fullmatch(value):
            day = datetime.date.fromisoformat(value)
            return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC), "day"
        if SECOND_RE.fullmatch(value):
            moment = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return moment.replace(tzinfo=datetime.UTC), "second"
    except ValueError:
        pass
    raise OaiError(
        "badArgument",
        f"“{name}” must be a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDThh:mm:ssZ).",
    )


@dataclass
class ListQuery:
    """What a ListIdentifiers or ListRecords request asks for, and where a page starts."""

    verb: str
    prefix: str
    set: str = ""
    start: datetime.datetime | None = None  # from, inclusive
    end: datetime.datetime | None = None  # until, exclusive (already moved past `until`)
    after: tuple[datetime.datetime, int] | None = None
    cursor: int = 0
    total: int | None = None

    def token(self, last: tuple[datetime.datetime, int], cursor: int, total: int) -> str:
        data = {
            "v": self.verb,
            "p": self.prefix,
            "s": self.set,
            "f": self.start.isoformat() if self.start else "",
            "u": self.end.isoformat() if self.end else "",
            "d": last[0].isoformat(),
            "i": last[1],
            "c": cursor,
            "n": total,
        }
        return signing.dumps(data, salt=TOKEN_SALT, compress=True)

    @classmethod
    def from_token(cls, verb: str, token: str) -> ListQuery:
        with token_reading():
            data = token_data(verb, token)
            return cls(
                verb=verb,
                prefix=data["p"],
                set=data["s"],
                start=datetime.datetime.fromisoformat(data["f"]) if data["f"] else None,
                end=datetime.datetime.fromisoformat(data["u"]) if data["u"] else None,
                after=(datetime.datetime.fromisoformat(data["d"]), int(data["i"])),
                cursor=int(data["c"]),
                total=int(data["n"]),
            )


def token_data(verb: str, token: str) -> dict:
    data = signing.loads(token, salt=TOKEN_SALT)
    if data.get("v") != verb:
        raise ValueError("another verb's token")
    return data


@contextlib.contextmanager
def token_reading():
    """Anything wrong with a token (forged, another verb's, from an older version of this
    code) is badResumptionToken."""
    try:
        yield
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError):
        raise OaiError(
            "badResumptionToken", "The resumption token is invalid or has expired."
        ) from None


# --- reading the archive -------------------------------------------------------------------


def public_statements():
    return Statement.objects.published().annotate(modified=last_changed())


def withdrawn():
    """Withdrawn statements that are not public again."""
    public_again = Statement.objects.published().filter(pk=OuterRef("statement_id"))
    return Withdrawal.objects.filter(~Exists(public_again))


def _in_set(spec: str) -> Q:
    """The filter on statements for a setSpec; unknown sets match nothing."""
    kind, _, part = spec.partition(":")
    # (The syntax is checked with the arguments; an id is a number PostgreSQL can hold.)
    bad_id = part.startswith("id.") and not re.fullmatch(r"[1-9][0-9]{0,17}", part[3:])
    if kind not in ("tag", "author") or bad_id:
        return Q(pk__in=[])
    if not part:
        if kind == "tag":
            return Q(Exists(TaggedStatement.objects.filter(content_object=OuterRef("pk"))))
        return Q(Exists(Authorship.objects.filter(credit_public_via(), statement=OuterRef("pk"))))
    lookup = {"pk": int(part[3:])} if part.startswith("id.") else {"slug": part}
    if kind == "tag":
        tags = Tag.objects.filter(**lookup)
        match = Exists(TaggedStatement.objects.filter(content_object=OuterRef("pk"), tag__in=tags))
    else:
        authors = Author.objects.filter(**lookup)
        match = Exists(
            Authorship.objects.filter(
                credit_public_via(), statement=OuterRef("pk"), author__in=authors
            )
        )
    return Q(match)


def _record_queryset(with_metadata: bool):
    queryset = public_statements().prefetch_related(
        Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("author").order_by("role", "position"),
        ),
        tags_prefetch(),
    )
    if with_metadata:
        return queryset.prefetch_related(
            Prefetch("sources", queryset=Source.objects.order_by("position", "pk"))
        ).defer("body", "body_html", "body_toc", "editorial_notes")
    return queryset.only(
        "pk",
        "slug",
        "status",
        "published_at",
        "updated_at",
        "date_start",
        "date_precision",
        "signatories_public",
    )


def list_page(query: ListQuery) -> tuple[list, bool, int]:
    """(statements and withdrawals of this page in datestamp order, more to come, total)."""
    statements = _record_queryset(query.verb == "ListRecords")
    withdrawals = withdrawn()
    if query.set:
        statements = statements.filter(_in_set(query.set))
        # A deleted record is in no set: what it was filed under is not kept.
        withdrawals = withdrawals.none()
    if query.start:
        statements = statements.filter(modified__gte=query.start)
        withdrawals = withdrawals.filter(withdrawn_at__gte=query.start)
    if query.end:
        statements = statements.filter(modified__lt=query.end)
        withdrawals = withdrawals.filter(withdrawn_at__lt=query.end)
    total = query.total
    if total is None:
        total = statements.count() + withdrawals.count()
    if query.after:
        moment, pk = query.after
        statements = statements.filter(Q(modified__gt=moment) | Q(modified=moment, pk__gt=pk))
        withdrawals = withdrawals.filter(
            Q(withdrawn_at__gt=moment) | Q(withdrawn_at=moment, statement_id__gt=pk)
        )
    page = [
        *statements.order_by("modified", "pk")[: PAGE_SIZE + 1],
        *withdrawals.order_by("withdrawn_at", "statement_id")[: PAGE_SIZE + 1],
    ]
    page.sort(key=position)
    return page[:PAGE_SIZE], len(page) > PAGE_SIZE, total


def position(item) -> tuple[datetime.datetime, int]:
    if isinstance(item, Withdrawal):
        return item.withdrawn_at, item.statement_id
    return item.modified, item.pk


def record_find(identifier: str, host: str) -> Statement | Withdrawal | None:
    match = IDENTIFIER_RE.fullmatch(identifier)
    if not match or match["host"] != host:
        return None
    pk = int(match["pk"])
    found = _record_queryset(with_metadata=True).filter(pk=pk).first()
    return found or withdrawn().filter(statement_id=pk).first()


# --- writing XML ---------------------------------------------------------------------------


def header_write(parent, item, host: str) -> None:
    if isinstance(item, Withdrawal):
        header = xml_element(parent, f"{{{OAI}}}header", status="deleted")
        xml_element(header, f"{{{OAI}}}identifier", statement_identifier(host, item.statement_id))
        xml_element(header, f"{{{OAI}}}datestamp", datestamp(item.withdrawn_at))
        return
    header = xml_element(parent, f"{{{OAI}}}header")
    xml_element(header, f"{{{OAI}}}identifier", statement_identifier(host, item.pk))
    xml_element(header, f"{{{OAI}}}datestamp", datestamp(item.modified))
    specs = {set_spec("tag", tag.slug, tag.pk) for tag in tags_by_name(item)}
    specs |= {set_spec("author", a.author.slug, a.author.pk) for a in item.public_authorships}
    for spec in sorted(specs):
        xml_element(header, f"{{{OAI}}}setSpec", spec)


def _oai_dc(parent, statement: Statement, base: str) -> None:
    dc = etree.SubElement(
        parent,
        f"{{{OAI_DC}}}dc",
        {f"{{{XSI}}}schemaLocation": f"{OAI_DC} {OAI_DC_SCHEMA}"},
        nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI},
    )
    url = base + statement.get_absolute_url()
    for element, value in dublin_core(statement, url=url, dc_type="Text"):
        xml_element(dc, f"{{{DC}}}{element}", value)


def record_write(parent, item, host: str, base: str) -> None:
    record = xml_element(parent, f"{{{OAI}}}record")
    header_write(record, item, host)
    if not isinstance(item, Withdrawal):
        _oai_dc(xml_element(record, f"{{{OAI}}}metadata"), item, base)
