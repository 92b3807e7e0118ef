"""Statement pages rendered once and kept in PostgreSQL (statements.catalog.stored): a
reader arriving on a page nobody has opened for weeks gets it at the cost of one row read,
on every process and host, instead of its citations, links and metadata being worked out
again."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredPage(models.Model):
    """A public statement page as it was rendered for anonymous readers, at ``path`` (its
    interface language's prefix included). Its absolute addresses carry a stand-in origin,
    put back as the reader's own when it is served. ``depends`` names what it shows, as the
    page cache does (statements.cache): a change to any of them deletes the row."""

    path = models.CharField(_("path"), max_length=700, unique=True)
    depends = ArrayField(models.CharField(max_length=80), verbose_name=_("depends on"))
    content = models.TextField(_("content"))
    headers = models.JSONField(_("headers"), default=list)
    # The day its "accessed" dates were written: the citation says the day it is read.
    accessed_on = models.DateField(_("accessed on"))
    # The next scheduled publication when it was rendered: it may link that statement then.
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    stored_at = models.DateTimeField(_("stored at"), auto_now=True)

    class Meta:
        verbose_name = _("stored page")
        verbose_name_plural = _("stored pages")
        indexes = [GinIndex(fields=["depends"], name="storedpage_depends")]

    def __str__(self) -> str:
        return self.path
