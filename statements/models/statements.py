"""Statements and what hangs on them: credits, sources, old addresses."""

from __future__ import annotations

import datetime

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower, Now
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from statements.core.dates import PartialDateAttribute, Precision
from statements.core.languages import language_name, validate_language_code
from statements.core.textsearch import rank_vector_expression, search_vector_expression
from statements.models.cards import card_names_attach
from statements.models.fields import (
    Sha256Hex,
    partial_date_constraints,
    slug_url,
)
from statements.models.names import Author, Tag, TaggedStatement
from statements.models.public import public_at, published_via


def _last_day(interval: str) -> models.Func:
    # date + interval is a timestamp; the cast back to date keeps the expression immutable,
    # which a generated column requires.
    return models.Func(
        F("date_start"),
        template=f"((%(expressions)s + interval '{interval}') - interval '1 day')::date",
        output_field=models.DateField(),
    )


class StatementQuerySet(models.QuerySet):
    _with_card_names = False

    def with_card_names(self) -> StatementQuerySet:
        """Once fetched, each statement carries ``card_authors`` (its authors in their
        order) and ``card_tags`` (its tags), as (slug, name) pairs, read in two plain
        queries for all the rows: what a list's card shows, with no model built per credit
        or tag. (Array subqueries in the statement query itself cost 3 ms to compile.)"""
        clone = self._chain()
        clone._with_card_names = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._with_card_names = self._with_card_names
        return clone

    def _fetch_all(self) -> None:
        fetching = self._result_cache is None
        super()._fetch_all()
        if fetching and self._with_card_names and self._iterable_class is ModelIterable:
            card_names_attach(self._result_cache)

    def published(self) -> StatementQuerySet:
        """Visible to the public: published, and not scheduled for later."""
        return self.filter(published_via())

    def scheduled(self) -> StatementQuerySet:
        """Published, but public only from a time still to come: the published statements
        that are not public (said as a range on the date, which its index serves)."""
        return self.filter(status=Statement.Status.PUBLISHED, published_at__gt=Now())

    def issued_between(
        self, start: datetime.date | None, end: datetime.date | None
    ) -> StatementQuerySet:
        """Statements whose date of issue overlaps [start, end]; undated ones never match."""
        qs = self.filter(date_start__isnull=False)
        if end is not None:
            qs = qs.filter(date_start__lte=end)
        if start is not None:
            qs = qs.filter(date_end__gte=start)
        return qs

    def by_date(self, *, descending: bool = False) -> StatementQuerySet:
        """The documented date order (see statements.core.dates); undated statements last."""
        if descending:
            return self.order_by(F("date_start").desc(nulls_last=True), F("date_end").asc(), "-pk")
        return self.order_by(F("date_start").asc(nulls_last=True), F("date_end").desc(), "pk")


# The search vectors are for PostgreSQL to match and rank on; read into Python they cost a
# detoasted copy of every word of every row (a third of a search page's time at 100,000).
SEARCH_VECTOR_FIELDS = ("search_vector", "search_rank_vector")


class StatementManager(models.Manager.from_queryset(StatementQuerySet)):
    def get_queryset(self) -> StatementQuerySet:
        return super().get_queryset().defer(*SEARCH_VECTOR_FIELDS)


class Statement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        # Taken down (statements.redaction): its addresses answer 410 Gone with a note.
        WITHDRAWN = "withdrawn", _("Taken down")

    title = models.CharField(_("title"), max_length=500)
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True)
    slug = models.SlugField(
        _("address"),
        max_length=255,
        unique=True,
        allow_unicode=True,
        help_text=_(
            "The address of the statement. Changing it leaves a redirect from the old one."
        ),
    )
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("A short abstract or teaser (plain text).")
    )
    body = models.TextField(
        _("text"), blank=True, help_text=_("The text of the statement, in Markdown.")
    )
    body_html = models.TextField(_("body html"), blank=True, editable=False)
    # Fixity: the body's SHA-256, computed by the database; each revision keeps it.
    body_sha256 = models.GeneratedField(
        expression=Sha256Hex("body"), output_field=models.CharField(max_length=64), db_persist=True
    )
    # Names of the authors, signatories and tags, for the search vector; written by the
    # service layer whenever they change (statements.catalog.indexing).
    search_names = models.TextField(_("search names"), blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=search_vector_expression(),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    search_rank_vector = models.GeneratedField(
        expression=rank_vector_expression(),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Headings of the body, [{"level", "id", "text"}], produced with body_html.
    body_toc = models.JSONField(_("body toc"), default=list, blank=True, editable=False)

    date_start = models.DateField(_("date start"), null=True, blank=True, editable=False)
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=Precision.choices, blank=True, editable=False
    )
    # Stored so that range filters use an index; always derived from start and precision.
    date_end = models.GeneratedField(
        expression=models.Case(
            models.When(date_precision=Precision.DAY, then=F("date_start")),
            models.When(date_precision=Precision.MONTH, then=_last_day("1 month")),
            models.When(date_precision=Precision.YEAR, then=_last_day("1 year")),
            default=None,
            output_field=models.DateField(),
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    issued = PartialDateAttribute("date")
    date_text = models.CharField(
        _("date as written"),
        max_length=200,
        blank=True,
        help_text=_(
            "The date as the source gives it, when it says more or other than a date "
            "(“Aug-Sep 1888”, “2009/2013”)."
        ),
    )
    place = models.CharField(_("place of issue"), max_length=300, blank=True)
    language = models.CharField(
        _("language"),
        max_length=3,
        blank=True,
        validators=[validate_language_code],
        help_text=_("ISO 639-1 code of the language of the text."),
    )
    rights = models.CharField(
        _("rights"),
        max_length=500,
        blank=True,
        help_text=_("“Anti-Copyright”, a licence, or a rights statement."),
    )
    editorial_notes = models.TextField(
        _("editorial notes"),
        blank=True,
        help_text=_("Notes for readers on this edition: corrections, context."),
    )
    metadata = models.JSONField(
        _("metadata"),
        default=dict,
        blank=True,
        help_text=_(
            "What an imported file said that has no field here (Muse directives such "
            "as #pubdate or #isbn), kept as read."
        ),
    )
    uid = models.CharField(
        _("text identifier"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_(
            "Shared by the translations of one text (Amusewiki's #uid): statements "
            "with the same identifier are shown as each other's translations."
        ),
    )
    imported_from = models.ForeignKey(
        "ImportedFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        editable=False,
        help_text=_("The file this statement was last imported from, kept as it was read."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When it becomes public. A time in the future schedules it."),
    )
    signatories_public = models.BooleanField(
        _("show individual signatories publicly"),
        default=True,
        help_text=_(
            "Off: the public sees only “and N individual signatories”, never a name "
            "(for signers who must not be listed); editors still see them."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="Authorship", related_name="statements"
    )
    tags = TaggableManager(
        verbose_name=_("tags"),
        through=TaggedStatement,
        blank=True,
        help_text=_("Separate tags with commas: “mutual aid, Ukraine, anti-war”."),
    )

    objects = StatementManager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-published_at", "-pk"]
        constraints = [
            *partial_date_constraints("date", "statements_statement"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "withdrawn"]),
                name="statements_statement_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="statements_statement_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(language="") | Q(language__regex=r"^[a-z]{2}$"),
                name="statements_statement_language_iso639_1",
            ),
            models.CheckConstraint(
                condition=~Q(title=_("")), name="statements_statement_title_not_empty"
            ),
            models.CheckConstraint(
                condition=~Q(slug=""), name="statements_statement_slug_not_empty"
            ),
        ]
        indexes = [
            models.Index(fields=["date_start", "date_end"], name="statements_date_range_idx"),
            # The two date orders of StatementQuerySet.by_date, so that a page of a sorted
            # list is read off an index instead of sorting every statement.
            models.Index(
                F("date_start").asc(nulls_last=True),
                F("date_end").desc(),
                F("id").asc(),
                name="statements_date_asc_idx",
            ),
            models.Index(
                F("date_start").desc(nulls_last=True),
                F("date_end").asc(),
                F("id").desc(),
                name="statements_date_desc_idx",
            ),
            # The title order of the list (sort=title): a page read off the index, not a
            # sort of every statement (30 ms at 10,000).
            models.Index(Lower("title"), "id", name="statements_title_order_idx"),
            models.Index(fields=["status", "published_at"], name="statements_status_pub_idx"),
            models.Index(fields=["language"], name="statements_language_idx"),
            GinIndex(fields=["search_vector"], name="statements_search_gin"),
            GinIndex(fields=["search_rank_vector"], name="statements_search_rank_gin"),
            GinIndex(OpClass("title", name="gin_trgm_ops"), name="statements_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("statements:statement_detail", self.slug)

    @property
    def tags_in_order(self) -> list[Tag]:
        """The statement's tags in name order (see tags_by_name), for templates."""
        return tags_by_name(self)

    @property
    def full_title(self) -> str:
        """ "Title: Subtitle", as citations and catalogues give it."""
        return self.title + (f": {self.subtitle}" if self.subtitle else "")

    @property
    def is_public(self) -> bool:
        return public_at(self.status, self.published_at, timezone.now())

    @property
    def public_authorships(self) -> list[Authorship]:
        """The credits the public may read, in order (prefetched ``authorships``): without
        the signatories when only their number is shown."""
        return [
            a
            for a in self.authorships.all()
            if self.signatories_public or a.role != Authorship.Role.SIGNATORY
        ]

    @property
    def signatories_withheld(self) -> int:
        """How many signatories the public sees only as a number (0 when they are listed)."""
        if self.signatories_public:
            return 0
        return sum(1 for a in self.authorships.all() if a.role == Authorship.Role.SIGNATORY)

    @property
    def language_name(self) -> str:
        return language_name(self.language) if self.language else ""

    @property
    def body_markup(self) -> SafeString:
        # body_html is written only by services.statement_save, which sanitises it with nh3
        # (statements.core.rendering); this is the one place that trusts it.
        return mark_safe(self.body_html)  # noqa: S308


def tags_prefetch() -> Prefetch:
    """Prefetches a statement's tags for tags_by_name through the link rows. Prefetching
    taggit's ``tags`` instead builds a filtered queryset for every statement fetched: 17 ms
    of a 50-entry feed."""
    return Prefetch(
        "tagged_items",
        queryset=TaggedStatement.objects.select_related("tag"),
        to_attr="prefetched_taggings",
    )


def tags_by_name(statement: Statement) -> list[Tag]:
    """A statement's tags in name order, from tags_prefetch() where it ran, else from its
    ``tags`` (prefetched or not)."""
    taggings = getattr(statement, "prefetched_taggings", None)
    tags = statement.tags.all() if taggings is None else [tagging.tag for tagging in taggings]
    return sorted(tags, key=lambda tag: tag.name.casefold())


class Authorship(models.Model):
    class Role(models.TextChoices):
        AUTHOR = "author", _("Author")
        SIGNATORY = "signatory", _("Signatory")
        TRANSLATOR = "translator", _("Translator")
        PUBLISHER = "publisher", _("Publisher")

    statement = models.ForeignKey(
        Statement, verbose_name=_("statement"), on_delete=models.CASCADE, related_name="authorships"
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="authorships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AUTHOR)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Order within the role.")
    )

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        ordering = ["statement", "role", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "author", "role"], name="statements_authorship_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["author", "signatory", "translator", "publisher"]),
                name="statements_authorship_role_valid",
            ),
        ]
        indexes = [models.Index(fields=["author", "role"], name="statements_authorship_role_idx")]

    def __str__(self) -> str:
        return f"{self.author} ({self.get_role_display().lower()})"


class SlugRedirect(models.Model):
    """An old address of a statement; the detail page answers it with a 301."""

    old_slug = models.SlugField(_("old slug"), max_length=255, unique=True, allow_unicode=True)
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="slug_redirects"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.statement.slug}"
