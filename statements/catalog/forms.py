from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from statements.core.dates import PartialDate, PartialDateError
from statements.core.languages import (
    language_choices,
    language_choices_grouped,
    language_detect,
)
from statements.core.names import author_kind
from statements.core.records import AuthorCredit
from statements.models import Source, Statement, Tag


class PartialDateFormField(forms.Field):
    """A year, month or day typed as 2025, 2025-03 or 2025-03-13, or as the site shows
    dates: "March 2025", "13 March 2025"."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "A year (2025), a month (2025-03 or March 2025) or a day (2025-03-13 or "
                "13 March 2025)."
            ),
        )
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "size": 12})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.isoformat() if isinstance(value, PartialDate) else value

    def to_python(self, value) -> PartialDate | None:
        text = "" if value in self.empty_values else str(value).strip()
        if not text:
            return None
        try:
            return PartialDate.read(text)
        except PartialDateError as error:
            raise ValidationError(str(error), code="invalid_partial_date") from None

    def validate(self, value) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


# The mixin is for ModelForms; the type checker is told so, Python sees a plain mixin.
if TYPE_CHECKING:
    _ModelForm = forms.ModelForm
else:
    _ModelForm = object


class PartialDateFormMixin(_ModelForm):
    """Edit the model's PartialDateAttribute named in ``partial_date_field`` as one text field."""

    partial_date_field: str

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial[self.partial_date_field] = getattr(self.instance, self.partial_date_field)

    def clean(self):
        cleaned = super().clean() or {}
        if self.partial_date_field in cleaned:
            # Set before model validation, so that the constraints see the stored pair.
            setattr(self.instance, self.partial_date_field, cleaned[self.partial_date_field])
        return cleaned


MAX_PASTED_NAMES = 5000


class CreditsPasteField(forms.CharField):
    """Names pasted one per line, each optionally followed by "| person" or "| collective"
    (the kind is guessed from the name otherwise), as credits in ``role``."""

    def __init__(self, *, role: str, **kwargs):
        self.role = role
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6, "cols": 60}))
        super().__init__(required=False, **kwargs)

    def clean(self, value) -> list[AuthorCredit]:
        text = super().clean(value) or ""
        lines = [line.strip() for line in text.splitlines()]
        if len(lines) > MAX_PASTED_NAMES:
            raise ValidationError(
                _("At most %(count)s names at once.") % {"count": f"{MAX_PASTED_NAMES:,}"}
            )
        credits, errors = [], []
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            name, bar, kind = (part.strip() for part in line.partition("|"))
            name = " ".join(name.split())
            kind = kind.lower()
            if not name:
                errors.append(_("line %(number)s: no name before the “|”") % {"number": number})
            elif len(name) > 300:
                errors.append(_("line %(number)s: longer than 300 characters") % {"number": number})
            elif bar and kind not in ("person", "collective"):
                errors.append(
                    _("line %(number)s: after “|”, write person or collective") % {"number": number}
                )
            else:
                credits.append(
                    AuthorCredit(name=name, role=self.role, kind=kind or author_kind(name))
                )
        if errors:
            raise ValidationError("; ".join(errors[:10]))
        return credits


LANGUAGES_FIRST = 20  # the archive's languages listed first in the picker


class StatementAdminForm(PartialDateFormMixin, forms.ModelForm):
    partial_date_field = "issued"
    issued = PartialDateFormField(label=_("Date of issue"), required=False)
    language = forms.ChoiceField(choices=language_choices, required=False)
    signatories_paste = CreditsPasteField(
        role="signatory",
        label=_("Add signatories"),
        help_text=_(
            "Paste a list, one name per line; “Name | collective” or “Name | person” "
            "sets the kind (otherwise it is guessed from the name). Names already in the archive "
            "are matched whatever their case or accents, the others are created; they come after "
            "the signatories listed below, in this order."
        ),
    )

    revision_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional, a few words (“corrected the date”, “added signatories”): shown "
            "in the statement's history, to editors and, once it is published, to readers."
        ),
    )
    revision_signed = forms.BooleanField(
        label=_("Sign this change with my username"),
        required=False,
        help_text=_("Readers see who made a change only when its editor signs it."),
    )

    class Meta:
        model = Statement
        fields = [
            "title", "subtitle", "slug", "summary", "body", "date_text", "place", "language",
            "tags", "rights", "editorial_notes", "status", "published_at", "signatories_public",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._language_picker()
        # A statement is taken down only through its confirmation page (statements.redaction),
        # which records the act and the public note; a statement taken down can be put back.
        if self.instance.status != Statement.Status.WITHDRAWN and "status" in self.fields:
            field = cast(forms.ChoiceField, self.fields["status"])
            field.choices = [
                (value, label)
                for value, label in Statement.Status.choices
                if value != Statement.Status.WITHDRAWN
            ]

    # A change's reason and signature are no change of the statement.
    _NOT_CHANGES = ("revision_reason", "revision_signed")

    @cached_property
    def changed_data(self) -> list[str]:
        """The statement's fields the editor changed: not the publication time as the form
        shows it (to the second, where the stored one has microseconds), nor the reason."""
        changed = forms.Form.changed_data.func(self)  # type: ignore[attr-defined]
        changed = [
            name
            for name in changed
            if name not in self._NOT_CHANGES
            and not (name == "published_at" and self._same_second(self.cleaned_published_at()))
        ]
        # A language shown as detected (never stored) and saved as shown is a change.
        language = getattr(self, "cleaned_data", {}).get("language")
        if self.instance.pk and language is not None and language != self.instance.language:
            changed = [*dict.fromkeys([*changed, "language"])]
        return changed

    def cleaned_published_at(self):
        return getattr(self, "cleaned_data", {}).get("published_at")

    def _same_second(self, value) -> bool:
        stored = self.instance.published_at if self.instance.pk else None
        return bool(stored and value and stored.replace(microsecond=0) == value)

    def clean_published_at(self):
        value = self.cleaned_data.get("published_at")
        # Saved as shown, to the second, it would be a change every time: the stored time.
        return self.instance.published_at if self._same_second(value) else value

    def _language_picker(self) -> None:
        """The archive's own languages first (most used first), then every other; where the
        statement has none, the one its text is in, when the detector is sure of it."""
        field = self.fields.get("language")
        if field is None:
            return
        used = (
            Statement.objects.exclude(language="")
            .values("language")
            .annotate(count=Count("pk"))
            .order_by("-count", "language")
            .values_list("language", flat=True)[:LANGUAGES_FIRST]
        )
        cast(forms.ChoiceField, field).choices = language_choices_grouped(list(used))
        if (
            self.instance.pk
            and not self.instance.language
            and not self.is_bound
            and (detected := language_detect(self.instance.body or ""))
        ):
            self.initial["language"] = detected
            field.help_text = _("Detected from the text: check it, then save.")

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("language")
            and not self.instance.pk
            and (detected := language_detect(cleaned.get("body") or ""))
        ):
            cleaned["language"] = detected  # left "Unknown" on a new text: the one it is in
        if cleaned.get("status") == Statement.Status.PUBLISHED and not cleaned.get("published_at"):
            # Publishing is one step: "Published" with no time given means now.
            cleaned["published_at"] = timezone.now()
        return cleaned


class SourceInlineForm(PartialDateFormMixin, forms.ModelForm):
    partial_date_field = "retrieved_on"
    retrieved_on = PartialDateFormField(label=_("Retrieved on"), required=False)

    class Meta:
        model = Source
        fields = ["kind", "url", "site_name", "retrieved_on", "archived_url", "note", "position"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2, "cols": 40})}


class TagMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this tag"),
        empty_label=None,
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["into"]).queryset = tags


class MergeForm(forms.Form):
    """Which of the selected records to keep."""

    into = forms.ModelChoiceField(
        queryset=Tag.objects.none(), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, choices, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["into"])
        field.queryset, field.label = choices, label
