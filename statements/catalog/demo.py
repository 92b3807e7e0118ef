"""A small demo set, written for this project: fictional collectives, invented events.

Loaded by ``manage.py load_demo`` (and ``make run``) into an empty archive only.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from statements.catalog.revisions import revision_context
from statements.catalog.services import statement_create
from statements.core.dates import PartialDate
from statements.core.records import AuthorCredit, SourceData, StatementData
from statements.models import Author, Authorship, Source, Statement

DEMO_NOTE = (
    "Demo content written for this archive: the collectives, places and events are fictional."
)
DEMO_TAG = "demo"
DEMO_LOCK_KEY = 7_240_311  # any constant; names the advisory lock

_PLACES = ["Alder Hill", "Brookmere", "Calder Vale", "Dunmore", "Eastwick", "Fairhaven",
           "Glenrock", "Hollowford"]  # fmt: skip
_GROUPS = ["Food Cooperative", "Tenants' Union", "Reading Circle", "Bicycle Workshop",
           "Solidarity Fund"]  # fmt: skip


def _signatories() -> list[AuthorCredit]:
    return [
        AuthorCredit(name=f"{place} {group}", role=Authorship.Role.SIGNATORY)
        for place in _PLACES
        for group in _GROUPS
    ]


def _published(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00")


def demo_statements(*, now: datetime.datetime) -> list[StatementData]:
    published = Statement.Status.PUBLISHED
    return [
        StatementData(
            title="Keep the Riverside Library open",
            subtitle="An open letter to the city council",
            summary="Tenants, readers and neighbourhood groups ask the council to reverse "
            "the closure of the Riverside Library.",
            body=(
                "To the members of the city council,\n\n"
                "The Riverside Library is the only warm room on our side of the river that "
                "asks nothing of the people who sit in it. Children do their homework there; "
                "pensioners read the papers; job seekers print their forms.\n\n"
                "## What we ask\n\n"
                "1. Withdraw the closure notice published in October.\n"
                "2. Keep the opening hours of last year, evenings included.\n"
                "3. Meet the library's users before any decision about the building.\n\n"
                "We will hold a reading in front of the library every Saturday until the "
                "notice is withdrawn.[^1]\n\n"
                "[^1]: The first reading took place on 9 November, with about sixty people.\n"
            ),
            issued=PartialDate(2024, 11),
            place="Riverside",
            language="en",
            rights="Anti-Copyright",
            editorial_notes=DEMO_NOTE,
            status=published,
            published_at=_published("2024-11-20"),
            credits=[AuthorCredit(name="Riverside Tenants' Assembly"), *_signatories()],
            sources=[
                SourceData(
                    kind=Source.Kind.ORIGINAL,
                    url="https://riverside-tenants.example.org/letters/library",
                    site_name="Riverside Tenants' Assembly",
                    retrieved_on=PartialDate(2024, 11, 21),
                    note="Retrieved on 21st November 2024 from riverside-tenants.example.org",
                    archived_url="https://web.archive.example.org/2024/riverside-library",
                ),
                SourceData(
                    url="https://northgate-news.example.net/2024/11/library-letter",
                    site_name="Northgate News",
                    retrieved_on=PartialDate(2024, 12),
                ),
                SourceData(
                    kind=Source.Kind.ORIGINAL,
                    site_name="Leaflet handed out at the Saturday readings",
                    note="Printed leaflet, two pages, collected in November 2024.",
                ),
            ],
            tags=["open letter", "libraries", "public space", DEMO_TAG],
        ),
        StatementData(
            title="A day of mutual aid",
            summary="A call to open kitchens, workshops and stalls for one day in every "
            "neighbourhood.",
            body=(
                "We call on every group that cooks, repairs, teaches or shares to open its "
                "doors for one day.\n\n"
                "> Nobody is too small to take part: a table on a pavement is enough.\n\n"
                "Bring what you can, take what you need. Write to us and we will put your "
                "stall on the shared map.\n"
            ),
            issued=PartialDate(2025),
            date_text="Spring 2025",
            place="Northgate",
            language="en",
            rights="Anti-Copyright",
            editorial_notes=DEMO_NOTE,
            status=published,
            published_at=_published("2025-02-02"),
            credits=[
                AuthorCredit(name="Northgate Mutual Aid Network"),
                AuthorCredit(name="Calder Vale Reading Circle", role=Authorship.Role.PUBLISHER),
            ],
            sources=[
                SourceData(
                    url="https://northgate-aid.example.org/call",
                    site_name="Northgate Mutual Aid Network",
                    retrieved_on=PartialDate(2025, 2),
                )
            ],
            tags=["mutual aid", "call", DEMO_TAG],
        ),
        StatementData(
            title="On the closure of the Harbour Street night shelter",
            subtitle="Communiqué",
            summary="Two groups answer the announced closure of the only night shelter in "
            "the harbour district.",
            body=(
                "The night shelter on Harbour Street will close its doors at the end of the "
                "month. This is what its closure means in numbers:\n\n"
                "| Winter | Beds | Nights refused |\n"
                "|--------|-----:|---------------:|\n"
                "| 2023   |   40 |            310 |\n"
                "| 2024   |   32 |            545 |\n\n"
                "The care workers who staff the shelter were told last.[^notice] We ask the "
                "operators to publish the contracts and to keep the shelter open until a "
                "replacement exists.\n\n"
                "[^notice]: By letter, three days after the press release.\n"
            ),
            issued=PartialDate(2025, 3, 13),
            place="Harbour district",
            language="en",
            rights="CC BY-SA 4.0",
            editorial_notes=DEMO_NOTE,
            status=published,
            published_at=_published("2025-03-14"),
            credits=[
                AuthorCredit(name="Harbour Street Collective"),
                AuthorCredit(name="Union of Care Workers, Local 12", kind=Author.Kind.ORGANISATION),
            ],
            sources=[
                SourceData(
                    url="https://harbour-street.example.org/communique-shelter",
                    site_name="Harbour Street Collective",
                    retrieved_on=PartialDate(2025, 3, 13),
                    note="Retrieved on 13th March 2025 from harbour-street.example.org",
                )
            ],
            tags=["housing", "communiqué", "care work", DEMO_TAG],
        ),
        StatementData(
            title="Manifeste pour des archives lentes",
            summary="Un groupe d'archivistes bénévoles défend la conservation patiente des "
            "tracts et des affiches.",
            body=(
                "Nous gardons les tracts que personne ne garde. Une affiche déchirée dit "
                "parfois plus d'une époque qu'un livre entier.\n\n"
                "Nous voulons des archives lentes : des lieux où l'on prend le temps de "
                "noter d'où vient chaque papier, qui l'a écrit et quand.\n"
            ),
            issued=PartialDate(2023, 6),
            place="Brookmere",
            language="fr",
            rights="Anti-Copyright",
            editorial_notes=DEMO_NOTE,
            status=published,
            published_at=_published("2023-07-01"),
            credits=[
                AuthorCredit(name="Groupe Mémoire de Papier"),
                AuthorCredit(
                    name="Fairhaven Translation Workshop", role=Authorship.Role.TRANSLATOR
                ),
            ],
            sources=[
                SourceData(
                    kind=Source.Kind.ORIGINAL,
                    url="https://memoire-papier.example.org/manifeste",
                    site_name="Mémoire de Papier",
                    retrieved_on=PartialDate(2023),
                )
            ],
            tags=["archives", "manifesto", DEMO_TAG],
        ),
        StatementData(
            title="Statement on the housing assembly",
            summary="A draft still being discussed by the assembly.",
            body="This statement is still a draft. The assembly will vote on it next week.\n",
            issued=PartialDate(2025, 5),
            language="en",
            editorial_notes=DEMO_NOTE,
            status=Statement.Status.DRAFT,
            credits=[AuthorCredit(name="Riverside Tenants' Assembly")],
            tags=["housing", DEMO_TAG],
        ),
        StatementData(
            title="Announcing the autumn gathering",
            summary="Scheduled to appear on the site in a month.",
            body="The autumn gathering of neighbourhood groups will take place in Glenrock.\n",
            issued=PartialDate.parse(now.date().isoformat()),
            language="en",
            editorial_notes=DEMO_NOTE,
            status=published,
            published_at=now + datetime.timedelta(days=30),
            credits=[AuthorCredit(name="Northgate Mutual Aid Network")],
            tags=["gathering", DEMO_TAG],
        ),
    ]


def demo_load(*, now: datetime.datetime | None = None) -> int:
    """Load the demo set into an empty archive; return how many statements were created.

    Does nothing (and returns 0) when the archive already holds any statement.
    """
    now = now or timezone.now()
    with revision_context(by="demo data"), transaction.atomic():
        # Serialise concurrent loaders so that two never both see an empty table (a row
        # lock cannot, since an empty table has no row to lock).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DEMO_LOCK_KEY])
        if Statement.objects.exists():
            return 0
        created = [statement_create(data=data) for data in demo_statements(now=now)]
    return len(created)
