"""The text search configurations and the stored vectors' expressions: the schema that the
models, migration 0007 and the search build on.

Each statement's vector is built with its own language's stemmer (and unaccent, through the
archive_* text search configurations created in migration 0007); a query is run against
every configuration at once by OR-ing constant-configuration queries, because
``config=F("language")`` on the query side makes PostgreSQL skip the GIN index.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.expressions import CombinedExpression

# ISO 639-1 code -> our text search configuration (a copy of PostgreSQL's, with unaccent).
LANGUAGE_CONFIGS = {
    "en": "archive_english",
    "fr": "archive_french",
    "de": "archive_german",
    "es": "archive_spanish",
    "it": "archive_italian",
    "pt": "archive_portuguese",
    "ru": "archive_russian",
}
SIMPLE_CONFIG = "archive_simple"
ALL_CONFIGS = [*LANGUAGE_CONFIGS.values(), SIMPLE_CONFIG]
# PostgreSQL's own configuration and stemmer behind each of ours.
BASE_CONFIGS = {config: config.removeprefix("archive_") for config in LANGUAGE_CONFIGS.values()}


def _weighted(config: str) -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("search_names", weight="B", config=config)
        + SearchVector("summary", weight="C", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def _compact(config: str) -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("search_names", weight="B", config=config)
        + SearchVector("summary", weight="C", config=config)
    )


def rank_vector_expression() -> models.Case:
    """The compact vector results are ranked by: title, names and summary, no body. Small
    enough to stay in the row, so ranking thousands of matches never reads the bodies."""
    return models.Case(
        *[
            models.When(language=code, then=_compact(config))
            for code, config in LANGUAGE_CONFIGS.items()
        ],
        default=_compact(SIMPLE_CONFIG),
        output_field=SearchVectorField(),
    )


def search_vector_expression() -> models.Case:
    """Title A, authors/signatories/tags B, summary and body C, stemmed in the statement's
    language. Holds everything the compact vector does, so a compact match is a match."""
    return models.Case(
        *[
            models.When(language=code, then=_weighted(config))
            for code, config in LANGUAGE_CONFIGS.items()
        ],
        default=_weighted(SIMPLE_CONFIG),
        output_field=SearchVectorField(),
    )


def create_configurations_sql() -> str:
    statements = []
    for config, base in BASE_CONFIGS.items():
        statements.append(
            f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = pg_catalog.{base});"
            f"ALTER TEXT SEARCH CONFIGURATION {config} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {base}_stem;"
        )
    statements.append(
        f"CREATE TEXT SEARCH CONFIGURATION {SIMPLE_CONFIG} (COPY = pg_catalog.simple);"
        f"ALTER TEXT SEARCH CONFIGURATION {SIMPLE_CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;"
    )
    return "\n".join(statements)


def drop_configurations_sql() -> str:
    return "\n".join(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {c};" for c in ALL_CONFIGS)
