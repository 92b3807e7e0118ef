"""OAI-PMH 2.0 at ``/oai/``: the six verbs, ``oai_dc`` records, sets, resumption tokens and
deleted records.

- Identifiers: ``oai:<host>:statement/<number>``; they survive a change of slug.
- Datestamps: the later of a statement's last edit and its publication time (a scheduled
  statement appears without any edit), to the second, in UTC.
- Sets, by tag and by author: ``tag`` and ``author`` hold every statement with a tag or a
  credit, ``tag:<slug>`` and ``author:<slug>`` one tag's or one author's statements (any role).
  A slug outside setSpec's alphabet (a Chinese title, say) becomes ``id.<number>``.
- Deleted records (persistent): statements that were public and are not any more; see
  ``models.Withdrawal``.
- Paging: 100 records, 500 sets per response. Tokens are signed and carry the position
  (datestamp and number of the last record sent), so a harvest neither skips nor repeats
  records when others are added meanwhile; ``until`` is fixed at the first request.
- Every protocol error is answered as the specification says, with HTTP 200.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Exists, Min, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from statements.core.xmltext import xml_text
from statements.models import (
    Author,
    Authorship,
    Source,
    Statement,
    Tag,
    TaggedStatement,
    Withdrawal,
    last_changed,
    tags_by_name,
    tags_prefetch,
)

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
PAGE_SIZE = 100
SET_PAGE_SIZE = 500
TOKEN_SALT = "statements.oai.resumption"  # noqa: S105 - a signing salt, not a secret

VERBS = {
    # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
METADATA_FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC)}
SET_SPEC_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
# The syntax of OAI-PMH's setSpecType and metadataPrefixType.
SET_SPEC_SYNTAX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
# An identifier is an anyURI: a scheme, then URI characters or %-escapes (RFC 3986).
URI_SYNTAX = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
)
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


def _host(request: HttpRequest) -> str:
    """The repository identifier: the host name the archive is reached at, without a port."""
    return split_domain_port(request.get_host())[0] or "localhost"


def statement_identifier(host: str, pk: int) -> str:
    return f"oai:{host}:statement/{pk}"


def _datestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_moment(name: str, value: str) -> tuple[datetime.datetime, str]:
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
        with _token_reading():
            data = _token_data(verb, token)
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


def _token_data(verb: str, token: str) -> dict:
    data = signing.loads(token, salt=TOKEN_SALT)
    if data.get("v") != verb:
        raise ValueError("another verb's token")
    return data


@contextlib.contextmanager
def _token_reading():
    """Anything wrong with a token (forged, another verb's, from an older version of this
    code) is badResumptionToken."""
    try:
        yield
    except (signing.BadSignature, ValueError, KeyError, TypeError, AttributeError):
        raise OaiError(
            "badResumptionToken", "The resumption token is invalid or has expired."
        ) from None


# --- reading the archive -------------------------------------------------------------------


def _public_statements():
    return Statement.objects.published().annotate(modified=last_changed())


def _withdrawals():
    """Withdrawn statements that are not public again."""
    public_again = Statement.objects.published().filter(pk=OuterRef("statement_id"))
    return Withdrawal.objects.filter(~Exists(public_again))


def _in_set(spec: str) -> tuple[Q, Q]:
    """(filter on statements, filter on withdrawals) for a setSpec; unknown sets match nothing."""
    kind, _, part = spec.partition(":")
    nothing = Q(pk__in=[])
    # (The syntax is checked with the arguments; an id is a number PostgreSQL can hold.)
    bad_id = part.startswith("id.") and not re.fullmatch(r"[1-9][0-9]{0,17}", part[3:])
    if kind not in ("tag", "author") or bad_id:
        return nothing, nothing
    on_withdrawals = Q(set_specs__contains=[spec])
    if not part:
        if kind == "tag":
            return Q(Exists(TaggedStatement.objects.filter(content_object=OuterRef("pk")))), (
                on_withdrawals
            )
        return Q(Exists(Authorship.objects.filter(statement=OuterRef("pk")))), on_withdrawals
    lookup = {"pk": int(part[3:])} if part.startswith("id.") else {"slug": part}
    if kind == "tag":
        tags = Tag.objects.filter(**lookup)
        match = Exists(TaggedStatement.objects.filter(content_object=OuterRef("pk"), tag__in=tags))
    else:
        authors = Author.objects.filter(**lookup)
        match = Exists(Authorship.objects.filter(statement=OuterRef("pk"), author__in=authors))
    return Q(match), on_withdrawals


def _record_queryset(with_metadata: bool):
    queryset = _public_statements().prefetch_related(
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
        "pk", "slug", "status", "published_at", "updated_at", "date_start", "date_precision"
    )


def _list_page(query: ListQuery) -> tuple[list, bool, int]:
    """(statements and withdrawals of this page in datestamp order, more to come, total)."""
    statements = _record_queryset(query.verb == "ListRecords")
    withdrawals = _withdrawals()
    if query.set:
        on_statements, on_withdrawals = _in_set(query.set)
        statements = statements.filter(on_statements)
        withdrawals = withdrawals.filter(on_withdrawals)
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
    page.sort(key=_position)
    return page[:PAGE_SIZE], len(page) > PAGE_SIZE, total


def _position(item) -> tuple[datetime.datetime, int]:
    if isinstance(item, Withdrawal):
        return item.withdrawn_at, item.statement_id
    return item.modified, item.pk


def _find(identifier: str, host: str) -> Statement | Withdrawal | None:
    match = IDENTIFIER_RE.fullmatch(identifier)
    if not match or match["host"] != host:
        return None
    pk = int(match["pk"])
    found = _record_queryset(with_metadata=True).filter(pk=pk).first()
    return found or _withdrawals().filter(statement_id=pk).first()


# --- writing XML ---------------------------------------------------------------------------


def _el(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, {k: v for k, v in attributes.items() if v})
    if text is not None:
        element.text = xml_text(text)
    return element


def _header(parent, item, host: str) -> None:
    if isinstance(item, Withdrawal):
        header = _el(parent, f"{{{OAI}}}header", status="deleted")
        _el(header, f"{{{OAI}}}identifier", statement_identifier(host, item.statement_id))
        _el(header, f"{{{OAI}}}datestamp", _datestamp(item.withdrawn_at))
        for spec in item.set_specs:
            if ":" in spec:
                _el(header, f"{{{OAI}}}setSpec", spec)
        return
    header = _el(parent, f"{{{OAI}}}header")
    _el(header, f"{{{OAI}}}identifier", statement_identifier(host, item.pk))
    _el(header, f"{{{OAI}}}datestamp", _datestamp(item.modified))
    specs = {set_spec("tag", tag.slug, tag.pk) for tag in tags_by_name(item)}
    specs |= {set_spec("author", a.author.slug, a.author.pk) for a in item.authorships.all()}
    for spec in sorted(specs):
        _el(header, f"{{{OAI}}}setSpec", spec)


def _oai_dc(parent, statement: Statement, base: str) -> None:
    dc = etree.SubElement(
        parent,
        f"{{{OAI_DC}}}dc",
        {f"{{{XSI}}}schemaLocation": f"{OAI_DC} {OAI_DC_SCHEMA}"},
        nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI},
    )
    _el(dc, f"{{{DC}}}title", statement.full_title)
    roles = {"author": "creator", "signatory": "contributor", "translator": "contributor"}
    credits = sorted(statement.authorships.all(), key=lambda a: (a.role != "author", a.position))
    for credit in credits:
        _el(dc, f"{{{DC}}}{roles.get(credit.role, 'publisher')}", credit.author.name)
    for tag in tags_by_name(statement):
        _el(dc, f"{{{DC}}}subject", tag.name)
    if statement.summary:
        _el(dc, f"{{{DC}}}description", statement.summary)
    if statement.issued:
        # As precise as it is: 2025, 2025-03 or 2025-03-14 (all W3CDTF).
        _el(dc, f"{{{DC}}}date", statement.issued.isoformat())
    _el(dc, f"{{{DC}}}type", "Text")
    _el(dc, f"{{{DC}}}format", "text/html")
    _el(dc, f"{{{DC}}}identifier", base + statement.get_absolute_url())
    for source in statement.sources.all():
        _el(dc, f"{{{DC}}}source", source.url or source.site_name or source.note)
    if statement.language:
        _el(dc, f"{{{DC}}}language", statement.language)
    if statement.rights:
        _el(dc, f"{{{DC}}}rights", statement.rights)
    if statement.place:
        _el(dc, f"{{{DC}}}coverage", statement.place)


def _record(parent, item, host: str, base: str) -> None:
    record = _el(parent, f"{{{OAI}}}record")
    _header(record, item, host)
    if not isinstance(item, Withdrawal):
        _oai_dc(_el(record, f"{{{OAI}}}metadata"), item, base)


# --- the verbs -----------------------------------------------------------------------------


def _identify(root, args, host: str, base: str) -> None:
    earliest = [
        _public_statements().aggregate(first=Min("modified"))["first"],
        _withdrawals().aggregate(first=Min("withdrawn_at"))["first"],
    ]
    earliest = min((moment for moment in earliest if moment), default=timezone.now())
    identify = _el(root, f"{{{OAI}}}Identify")
    _el(identify, f"{{{OAI}}}repositoryName", settings.ARCHIVE_NAME)
    _el(identify, f"{{{OAI}}}baseURL", base + "/oai/")
    _el(identify, f"{{{OAI}}}protocolVersion", "2.0")
    _el(identify, f"{{{OAI}}}adminEmail", settings.ARCHIVE_ADMIN_EMAIL)
    _el(identify, f"{{{OAI}}}earliestDatestamp", _datestamp(earliest))
    _el(identify, f"{{{OAI}}}deletedRecord", "persistent")
    _el(identify, f"{{{OAI}}}granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = _el(identify, f"{{{OAI}}}description")
    ns = "http://www.openarchives.org/OAI/2.0/oai-identifier"
    ident = etree.SubElement(
        description,
        f"{{{ns}}}oai-identifier",
        {
            f"{{{XSI}}}schemaLocation": f"{ns} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
        },
        nsmap={None: ns},
    )
    _el(ident, f"{{{ns}}}scheme", "oai")
    _el(ident, f"{{{ns}}}repositoryIdentifier", host)
    _el(ident, f"{{{ns}}}delimiter", ":")
    _el(ident, f"{{{ns}}}sampleIdentifier", statement_identifier(host, 1))


def _list_metadata_formats(root, args, host: str, base: str) -> None:
    if "identifier" in args and _find(args["identifier"], host) is None:
        raise OaiError("idDoesNotExist", f"No record has the identifier “{args['identifier']}”.")
    formats = _el(root, f"{{{OAI}}}ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        entry = _el(formats, f"{{{OAI}}}metadataFormat")
        _el(entry, f"{{{OAI}}}metadataPrefix", prefix)
        _el(entry, f"{{{OAI}}}schema", schema)
        _el(entry, f"{{{OAI}}}metadataNamespace", namespace)


def _all_sets() -> list[tuple[str, str]]:
    """Every set that holds a public statement: (setSpec, setName), the two parents first."""
    from statements.catalog import selectors

    tags = selectors.tag_list().only("pk", "slug", "name")
    authors = selectors.author_list().only("pk", "slug", "name")
    found = [("tag", "By tag"), ("author", "By author")] if tags or authors else []
    found += [(set_spec("tag", t.slug, t.pk), f"Tag: {t.name}") for t in tags]
    found += [(set_spec("author", a.slug, a.pk), f"Author: {a.name}") for a in authors]
    return found


def _list_sets(root, args, host: str, base: str) -> None:
    offset = 0
    if "resumptionToken" in args:
        with _token_reading():
            offset = int(_token_data("ListSets", args["resumptionToken"])["o"])
    sets = _all_sets()
    if not sets:
        raise OaiError(
            "noSetHierarchy",
            "The archive has no sets yet: no public statement has tags or authors.",
        )
    listing = _el(root, f"{{{OAI}}}ListSets")
    for spec, name in sets[offset : offset + SET_PAGE_SIZE]:
        entry = _el(listing, f"{{{OAI}}}set")
        _el(entry, f"{{{OAI}}}setSpec", spec)
        _el(entry, f"{{{OAI}}}setName", name)
    if offset + SET_PAGE_SIZE < len(sets):
        token = signing.dumps({"v": "ListSets", "o": offset + SET_PAGE_SIZE}, salt=TOKEN_SALT)
        _token(listing, token, len(sets), offset)
    elif offset:
        _token(listing, "", len(sets), offset)


def _token(listing, token: str, total: int, cursor: int) -> None:
    _el(
        listing, f"{{{OAI}}}resumptionToken", token, completeListSize=str(total), cursor=str(cursor)
    )


def _check_prefix(prefix: str) -> None:
    if prefix not in METADATA_FORMATS:
        raise OaiError(
            "cannotDisseminateFormat",
            f"“{prefix}” is not a metadata format of this archive; it offers oai_dc.",
        )


def _get_record(root, args, host: str, base: str) -> None:
    _check_prefix(args["metadataPrefix"])
    item = _find(args["identifier"], host)
    if item is None:
        raise OaiError("idDoesNotExist", f"No record has the identifier “{args['identifier']}”.")
    _record(_el(root, f"{{{OAI}}}GetRecord"), item, host, base)


def _list(root, args, host: str, base: str, verb: str) -> None:
    if "resumptionToken" in args:
        query = ListQuery.from_token(verb, args["resumptionToken"])
    else:
        _check_prefix(args["metadataPrefix"])
        query = ListQuery(verb=verb, prefix=args["metadataPrefix"], set=args.get("set", ""))
        granularity = set()
        if "from" in args:
            query.start, grain = _parse_moment("from", args["from"])
            granularity.add(grain)
        if "until" in args:
            until, grain = _parse_moment("until", args["until"])
            granularity.add(grain)
            step = datetime.timedelta(**{"days" if grain == "day" else "seconds": 1})
            try:
                query.end = until + step
            except OverflowError:  # until 9999-12-31: no bound beyond the harvest's start
                query.end = None
        if len(granularity) > 1:
            raise OaiError("badArgument", "“from” and “until” must have the same granularity.")
        if query.start and query.end and query.start >= query.end:
            raise OaiError("badArgument", "“from” comes after “until”.")
        if query.end is None:
            # Fixed at the first request: records changed during a harvest come next time.
            query.end = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=1)
    items, more, total = _list_page(query)
    if not items:
        if query.after:
            raise OaiError("badResumptionToken", "The list has changed: start the harvest again.")
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    listing = _el(root, f"{{{OAI}}}{verb}")
    for item in items:
        if verb == "ListRecords":
            _record(listing, item, host, base)
        else:
            _header(listing, item, host)
    cursor = query.cursor + len(items)
    if more:
        token = query.token(_position(items[-1]), cursor, total)
        _token(listing, token, total, query.cursor)
    elif query.after:
        _token(listing, "", total, query.cursor)  # the last page of a list: an empty token


HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": functools.partial(_list, verb="ListIdentifiers"),
    "ListRecords": functools.partial(_list, verb="ListRecords"),
}


def _arguments(params) -> tuple[str, dict[str, str]]:
    """(verb, other arguments) checked against the verb's signature; OaiError otherwise."""
    verbs = params.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        what = "is missing" if not verbs else "is repeated" if len(verbs) > 1 else "is not a verb"
        raise OaiError("badVerb", f"The verb {what}. Verbs: {', '.join(VERBS)}.")
    verb = verbs[0]
    args = {}
    for name in params:
        if name == "verb":
            continue
        values = params.getlist(name)
        if len(values) > 1:
            raise OaiError("badArgument", f"“{name}” is repeated.")
        args[name] = values[0]
    required, optional, exclusive = VERBS[verb]
    allowed = required | optional | ({exclusive} if exclusive else set())
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise OaiError("badArgument", f"{verb} takes no argument “{unknown[0]}”.")
    if exclusive and exclusive in args:
        if len(args) > 1:
            raise OaiError("badArgument", f"{exclusive} must be the only argument besides verb.")
        return verb, args
    missing = sorted(required - set(args))
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument “{missing[0]}”.")
    if "identifier" in args and not URI_SYNTAX.fullmatch(args["identifier"]):
        raise OaiError("badArgument", "The identifier is not a URI.")
    if "set" in args and not SET_SPEC_SYNTAX.fullmatch(args["set"]):
        raise OaiError("badArgument", f"“{args['set']}” is not a setSpec.")
    if "metadataPrefix" in args and not SET_SPEC_RE.fullmatch(args["metadataPrefix"]):
        raise OaiError("badArgument", f"“{args['metadataPrefix']}” is not a metadata prefix.")
    # Every argument is checked before any verb looks at the metadata format (spec 3.6):
    # an error response echoes the arguments, and the schema refuses a `from` or `until`
    # that is not a UTC datestamp.
    for name in ("from", "until"):
        if name in args:
            _parse_moment(name, args[name])
    return verb, args


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def oai_endpoint(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    host = _host(request)
    base = request.build_absolute_uri("/").rstrip("/")
    root = etree.Element(
        f"{{{OAI}}}OAI-PMH",
        {f"{{{XSI}}}schemaLocation": f"{OAI} {OAI_SCHEMA}"},
        nsmap={None: OAI, "xsi": XSI},
    )
    _el(root, f"{{{OAI}}}responseDate", _datestamp(timezone.now()))
    request_element = _el(root, f"{{{OAI}}}request", base + "/oai/")
    try:
        verb, args = _arguments(params)
        # The request's arguments are echoed only when they were legal (spec 3.2).
        for name, value in (("verb", verb), *sorted(args.items())):
            request_element.set(name, xml_text(value))
        HANDLERS[verb](root, args, host, base)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request_element.attrib.clear()
        del root[2:]
        _el(root, f"{{{OAI}}}error", error.message, code=error.code)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
