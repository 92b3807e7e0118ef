"""OAI-PMH 2.0 at ``/oai/``: the six verbs, ``oai_dc`` records, sets, resumption tokens and
deleted records.

- Identifiers: ``oai:<host>:statement/<number>``; they survive a change of slug.
- Datestamps: the later of a statement's last edit and its publication time (a scheduled
  statement appears without any edit), to the second, in UTC.
- Sets, by tag and by author: ``tag`` and ``author`` hold every statement with a tag or a
  credit, ``tag:<slug>`` and ``author:<slug>`` one tag's or one author's statements (any role).
  A slug outside setSpec's alphabet (a Chinese title, say) becomes ``id.<number>``.
- Deleted records (persistent): statements that were public and are not any more, with their
  identifier and datestamp only (in no set: what they were filed under is not kept); see
  ``models.Withdrawal``.
- Paging: 100 records, 500 sets per response. Tokens are signed and carry the position
  (datestamp and number of the last record sent), so a harvest neither skips nor repeats
  records when others are added meanwhile; ``until`` is fixed at the first request.
- Every protocol error is answered as the specification says, with HTTP 200.
"""

from __future__ import annotations

import datetime
import functools
import re

from django.conf import settings
from django.core import signing
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from statements.core.xmltext import xml_element, xml_text
from statements.interop.oai_records import (
    DC,
    OAI,
    OAI_DC,
    OAI_DC_SCHEMA,
    SET_SPEC_RE,
    TOKEN_SALT,
    XSI,
    ListQuery,
    OaiError,
    datestamp,
    header_write,
    list_page,
    parse_moment,
    position,
    public_statements,
    record_find,
    record_write,
    set_spec,
    statement_identifier,
    token_data,
    token_reading,
    withdrawn,
)

OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
SET_PAGE_SIZE = 500

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
# The syntax of OAI-PMH's setSpecType and metadataPrefixType.
SET_SPEC_SYNTAX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
# An identifier is an anyURI: a scheme, then URI characters or %-escapes (RFC 3986).
URI_SYNTAX = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
)


def _host(request: HttpRequest) -> str:
    """The repository identifier: the host name the archive is reached at, without a port."""
    return split_domain_port(request.get_host())[0] or "localhost"


def _identify(root, args, host: str, base: str) -> None:
    earliest = [
        public_statements().aggregate(first=Min("modified"))["first"],
        withdrawn().aggregate(first=Min("withdrawn_at"))["first"],
    ]
    earliest = min((moment for moment in earliest if moment), default=timezone.now())
    identify = xml_element(root, f"{{{OAI}}}Identify")
    xml_element(identify, f"{{{OAI}}}repositoryName", settings.ARCHIVE_NAME)
    xml_element(identify, f"{{{OAI}}}baseURL", base + "/oai/")
    xml_element(identify, f"{{{OAI}}}protocolVersion", "2.0")
    xml_element(identify, f"{{{OAI}}}adminEmail", settings.ARCHIVE_ADMIN_EMAIL)
    xml_element(identify, f"{{{OAI}}}earliestDatestamp", datestamp(earliest))
    xml_element(identify, f"{{{OAI}}}deletedRecord", "persistent")
    xml_element(identify, f"{{{OAI}}}granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = xml_element(identify, f"{{{OAI}}}description")
    ns = "http://www.openarchives.org/OAI/2.0/oai-identifier"
    ident = etree.SubElement(
        description,
        f"{{{ns}}}oai-identifier",
        {
            f"{{{XSI}}}schemaLocation": f"{ns} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
        },
        nsmap={None: ns},
    )
    xml_element(ident, f"{{{ns}}}scheme", "oai")
    xml_element(ident, f"{{{ns}}}repositoryIdentifier", host)
    xml_element(ident, f"{{{ns}}}delimiter", ":")
    xml_element(ident, f"{{{ns}}}sampleIdentifier", statement_identifier(host, 1))


def _list_metadata_formats(root, args, host: str, base: str) -> None:
    if "identifier" in args and record_find(args["identifier"], host) is None:
        raise OaiError("idDoesNotExist", f"No record has the identifier “{args['identifier']}”.")
    formats = xml_element(root, f"{{{OAI}}}ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        entry = xml_element(formats, f"{{{OAI}}}metadataFormat")
        xml_element(entry, f"{{{OAI}}}metadataPrefix", prefix)
        xml_element(entry, f"{{{OAI}}}schema", schema)
        xml_element(entry, f"{{{OAI}}}metadataNamespace", namespace)


def _all_sets() -> list[tuple[str, str, list[str]]]:
    """Every set that holds a public statement: (setSpec, setName, the addresses of its
    author's records in other authorities), the two parents first."""
    from statements.catalog import selectors

    tags = selectors.tag_list().only("pk", "slug", "name")
    authors = selectors.author_list().only("pk", "slug", "name", "wikidata_id", "viaf_id")
    found = [("tag", "By tag", []), ("author", "By author", [])] if tags or authors else []
    found += [(set_spec("tag", t.slug, t.pk), f"Tag: {t.name}", []) for t in tags]
    found += [(set_spec("author", a.slug, a.pk), f"Author: {a.name}", a.same_as) for a in authors]
    return found


def _list_sets(root, args, host: str, base: str) -> None:
    offset = 0
    if "resumptionToken" in args:
        with token_reading():
            offset = int(token_data("ListSets", args["resumptionToken"])["o"])
    sets = _all_sets()
    if not sets:
        raise OaiError(
            "noSetHierarchy",
            "The archive has no sets yet: no public statement has tags or authors.",
        )
    listing = xml_element(root, f"{{{OAI}}}ListSets")
    for spec, name, same_as in sets[offset : offset + SET_PAGE_SIZE]:
        entry = xml_element(listing, f"{{{OAI}}}set")
        xml_element(entry, f"{{{OAI}}}setSpec", spec)
        xml_element(entry, f"{{{OAI}}}setName", name)
        if same_as:  # the author's Wikidata and VIAF records, as Dublin Core identifiers
            description = xml_element(entry, f"{{{OAI}}}setDescription")
            dc = etree.SubElement(
                description,
                f"{{{OAI_DC}}}dc",
                {f"{{{XSI}}}schemaLocation": f"{OAI_DC} {OAI_DC_SCHEMA}"},
                nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI},
            )
            for link in same_as:
                xml_element(dc, f"{{{DC}}}identifier", link)
    if offset + SET_PAGE_SIZE < len(sets):
        token = signing.dumps({"v": "ListSets", "o": offset + SET_PAGE_SIZE}, salt=TOKEN_SALT)
        _token(listing, token, len(sets), offset)
    elif offset:
        _token(listing, "", len(sets), offset)


def _token(listing, token: str, total: int, cursor: int) -> None:
    xml_element(
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
    item = record_find(args["identifier"], host)
    if item is None:
        raise OaiError("idDoesNotExist", f"No record has the identifier “{args['identifier']}”.")
    record_write(xml_element(root, f"{{{OAI}}}GetRecord"), item, host, base)


def _list(root, args, host: str, base: str, verb: str) -> None:
    if "resumptionToken" in args:
        query = ListQuery.from_token(verb, args["resumptionToken"])
    else:
        _check_prefix(args["metadataPrefix"])
        query = ListQuery(verb=verb, prefix=args["metadataPrefix"], set=args.get("set", ""))
        granularity = set()
        if "from" in args:
            query.start, grain = parse_moment("from", args["from"])
            granularity.add(grain)
        if "until" in args:
            until, grain = parse_moment("until", args["until"])
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
    items, more, total = list_page(query)
    if not items:
        if query.after:
            raise OaiError("badResumptionToken", "The list has changed: start the harvest again.")
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    listing = xml_element(root, f"{{{OAI}}}{verb}")
    for item in items:
        if verb == "ListRecords":
            record_write(listing, item, host, base)
        else:
            header_write(listing, item, host)
    cursor = query.cursor + len(items)
    if more:
        token = query.token(position(items[-1]), cursor, total)
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
            parse_moment(name, args[name])
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
    xml_element(root, f"{{{OAI}}}responseDate", datestamp(timezone.now()))
    request_element = xml_element(root, f"{{{OAI}}}request", base + "/oai/")
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
        xml_element(root, f"{{{OAI}}}error", error.message, code=error.code)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
