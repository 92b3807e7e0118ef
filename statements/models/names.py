"""The names statements are filed under: tags and authors (collectives, organisations,
people)."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from statements.models.fields import HttpURLField, folded_name, slug_url


class Tag(TagBase):
    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        indexes = [models.Index(folded_name(), name="statements_tag_name_fold")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="statements_tag_name_ci_unique",
                violation_error_message="A tag with this name already exists "
                "(names are compared without regard to case).",
            ),
        ]

    def get_absolute_url(self) -> str:
        return slug_url("statements:tag_detail", self.slug)


class TaggedStatement(TaggedItemBase):
    content_object = models.ForeignKey(
        "Statement", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="tagged_statements"
    )

    class Meta:
        verbose_name = "tagging"
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="statements_taggedstatement_unique"
            ),
        ]


WIKIDATA_ID = r"^Q[1-9][0-9]{0,11}$"
VIAF_ID = r"^[1-9][0-9]{0,21}$"


class Author(models.Model):
    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("Collective")
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")

    name = models.CharField(_("name"), max_length=300)
    slug = models.SlugField(_("address"), max_length=300, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COLLECTIVE)
    alternative_names = models.TextField(
        _("alternative names"), blank=True, help_text=_("Other names and spellings, one per line.")
    )
    description = models.TextField(_("description"), blank=True)
    website = HttpURLField(_("website"), max_length=2000, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    # Authority records elsewhere, for linked data (JSON-LD sameAs, OAI set descriptions,
    # the API): the same collective or person in Wikidata and in VIAF.
    wikidata_id = models.CharField(
        _("Wikidata item"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(WIKIDATA_ID, "A Wikidata item is Q and a number: Q12345.")],
        help_text=_("Its Wikidata item, “Q” and a number (Q12345)."),
    )
    viaf_id = models.CharField(
        _("VIAF identifier"),
        max_length=22,
        blank=True,
        validators=[RegexValidator(VIAF_ID, "A VIAF identifier is a number: 95216565.")],
        help_text=_("Its VIAF cluster number (the digits after viaf.org/viaf/)."),
    )
    # Removed at their request (statements.redaction.people): the record is a tombstone with
    # no name, kept so that the revision history's credits still point somewhere.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]
        indexes = [
            GinIndex(OpClass("name", name="gin_trgm_ops"), name="statements_author_name_trgm"),
            models.Index(folded_name(), name="statements_author_name_fold"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="statements_author_name_ci_unique",
                violation_error_message=_(
                    "An author with this name already exists (names are compared without "
                    "regard to case)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["collective", "organisation", "person"]),
                name="statements_author_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(website="") | Q(website__regex=r"^https?://"),
                name="statements_author_website_http",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="statements_author_name_not_empty"),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=WIKIDATA_ID),
                name="statements_author_wikidata_id_valid",
            ),
            models.CheckConstraint(
                condition=Q(viaf_id="") | Q(viaf_id__regex=VIAF_ID),
                name="statements_author_viaf_id_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("statements:author_detail", self.slug)

    @property
    def same_as(self) -> list[str]:
        """The author's records in other authorities, as addresses (schema.org sameAs)."""
        links = []
        if self.wikidata_id:
            links.append(f"https://www.wikidata.org/wiki/{self.wikidata_id}")
        if self.viaf_id:
            links.append(f"https://viaf.org/viaf/{self.viaf_id}")
        return links

    @property
    def alternative_name_list(self) -> list[str]:
        return [line.strip() for line in self.alternative_names.splitlines() if line.strip()]


class AuthorRedirect(models.Model):
    """The address of an author merged into another: the author page answers it with a
    301 to the author kept."""

    old_slug = models.SlugField(_("old slug"), max_length=300, unique=True, allow_unicode=True)
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.author.slug}"
