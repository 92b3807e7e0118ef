"""The admin of the addresses sources cite: their state by the link checks ("gone since…"),
every check, every capture (downloaded as ``.warc.gz``, its SHA-256 checked on the way), and
"check now" / "capture now"."""

import hashlib
from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from infra.queue import enqueue, queue_configured
from statements.admin.base import ListParametersChecked
from statements.admin.redactions import CaptureRedactionMixin
from statements.models import Source, SourceCapture, SourceCheck, SourceLink
from statements.sources.captures import CaptureFailed, link_capture
from statements.sources.checks import link_check, links_cited_add
from statements.sources.tasks import capture_source_task, check_urls_task

# "Check now" and "capture now" in the request, when no task queue takes them: at most this
# many addresses at once (each bounded by ARCHIVE_FETCH_TOTAL_SECONDS).
AT_ONCE_IN_REQUEST = 5


def captures_for_new_sources(statement) -> None:
    """Addresses this statement cites that the archive has never captured are captured by
    the task queue once the save commits; without a queue, by the next check_sources (an
    editor's save never waits on another website)."""
    if not queue_configured():
        return
    urls = set(statement.sources.exclude(url="").values_list("url", flat=True))
    captured = set(
        SourceLink.objects.filter(url__in=urls, capture__isnull=False).values_list("url", flat=True)
    )
    for url in sorted(urls - captured):
        transaction.on_commit(partial(enqueue, capture_source_task, url))


def capture_link(capture: SourceCapture | None) -> str:
    if capture is None:
        return _("none")
    url = reverse("admin:statements_sourcelink_warc", args=[capture.pk])
    return format_html(
        '<a href="{}">{} (.warc.gz, {} KB)</a>',
        url,
        capture.captured_at.strftime("%Y-%m-%d %H:%M"),
        max(1, capture.size // 1024),
    )


class SourceCheckInline(admin.TabularInline):
    model = SourceCheck
    fields = [
        "checked_at",
        "method",
        "status",
        "final_url",
        "redirects",
        "elapsed_ms",
        "content_sha256",
        "error",
        "state",
    ]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = "checks (latest first)"

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-checked_at", "-pk")


class SourceCaptureInline(admin.TabularInline):
    model = SourceCapture
    fields = [
        "download",
        "url",
        "status",
        "content_type",
        "resources",
        "size",
        "truncated",
        "sha256",
        "withheld",
    ]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    @admin.display(description=_("captured"))
    def download(self, obj):
        if obj.suppressed_at is not None:
            return _("%(time)s (file deleted)") % {"time": f"{obj.captured_at:%Y-%m-%d %H:%M}"}
        return capture_link(obj)

    @admin.display(description=_("public"))
    def withheld(self, obj):
        url = reverse("admin:statements_sourcecapture_withhold", args=[obj.pk])
        if obj.suppressed_at is not None:
            return _("suppressed %(date)s") % {"date": f"{obj.suppressed_at:%Y-%m-%d}"}
        state = (
            _("hidden %(date)s") % {"date": f"{obj.hidden_at:%Y-%m-%d}"}
            if obj.hidden_at
            else _("shown")
        )
        return format_html('{} · <a href="{}">{}</a>', state, url, _("withhold…"))


class CapturedFilter(admin.SimpleListFilter):
    title = _("captured")
    parameter_name = "captured"

    def lookups(self, request, model_admin):
        return [("yes", _("Captured")), ("no", _("Not captured"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(capture__isnull=self.value() == "no")
        return queryset


@admin.register(SourceLink)
class SourceLinkAdmin(CaptureRedactionMixin, ListParametersChecked, admin.ModelAdmin):
    """Addresses cited as sources, by what the link checks found."""

    list_display = [
        "url",
        "state",
        "state_since",
        "seen_at",
        "checked_at",
        "failures",
        "cited",
        "latest_capture",
    ]
    list_filter = ["state", CapturedFilter, "checked_at"]
    search_fields = ["url", "final_url"]
    date_hierarchy = "state_since"
    ordering = ["-state_since", "url"]
    fields = [
        "url",
        "state",
        "state_since",
        "seen_at",
        "checked_at",
        "final_url",
        "failures",
        "latest_capture",
        "citing",
    ]
    readonly_fields = fields
    inlines = [SourceCaptureInline, SourceCheckInline]
    actions = ["check_now", "capture_now"]

    def changelist_view(self, request, extra_context=None):
        links_cited_add()  # every cited address is listed, checked or not
        return super().changelist_view(request, extra_context)

    def get_queryset(self, request):
        cited = (
            Source.objects.filter(url=OuterRef("url"))
            .order_by()
            .values("url")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("capture")
            .annotate(cited_by=Coalesce(Subquery(cited), 0))
        )

    @admin.display(description=_("cited by"), ordering="cited_by")
    def cited(self, obj):
        return obj.cited_by

    @admin.display(description=_("latest capture"))
    def latest_capture(self, obj):
        return capture_link(obj.capture)

    @admin.display(description=_("cited by"))
    def citing(self, obj):
        sources = Source.objects.filter(url=obj.url).select_related("statement")[:100]
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (
                        reverse("admin:statements_statement_change", args=[s.statement_id]),
                        s.statement.title,
                    )
                    for s in sources
                ),
            )
            or "no statement now"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _in_request(self, request, queryset, verb) -> list[str] | None:
        urls = list(queryset.values_list("url", flat=True))
        if len(urls) > AT_ONCE_IN_REQUEST:
            self.message_user(
                request,
                _(
                    "Without a task queue, at most %(count)s addresses are checked or captured "
                    "at once here; run manage.py check_sources for more."
                )
                % {"count": AT_ONCE_IN_REQUEST},
                messages.ERROR,
            )
            return None
        return urls

    @admin.action(description=_("Check the selected addresses now"), permissions=["view"])
    def check_now(self, request, queryset):
        if queue_configured():
            urls = list(queryset.values_list("url", flat=True))
            if enqueue(check_urls_task, urls):
                said = _("%(count)s address(es) handed to the task queue.")
                self.message_user(request, said % {"count": len(urls)})
                return
        urls = self._in_request(request, queryset, "checked")
        if urls is None:
            return
        states = [str(link_check(url).get_state_display()) for url in urls]
        said = _("Checked: %(states)s.") % {"states": ", ".join(states)}
        self.message_user(request, said, messages.SUCCESS)

    @admin.action(description=_("Capture the selected addresses now"), permissions=["view"])
    def capture_now(self, request, queryset):
        if queue_configured():
            urls = list(queryset.values_list("url", flat=True))
            if all(enqueue(capture_source_task, url) for url in urls):
                said = _("%(count)s capture(s) handed to the task queue.")
                self.message_user(request, said % {"count": len(urls)})
                return
        urls = self._in_request(request, queryset, "captured")
        if urls is None:
            return
        for url in urls:
            try:
                capture = link_capture(url)
            except CaptureFailed as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            self.message_user(
                request,
                _("Captured %(url)s: %(files)s file(s) with the page, %(size)s KB.")
                % {"url": url, "files": capture.resources, "size": capture.size // 1024 or 1},
                messages.SUCCESS,
            )

    def get_urls(self):
        return [
            path(
                "capture/<int:pk>/warc/",
                self.admin_site.admin_view(self.warc_view),
                name="statements_sourcelink_warc",
            ),
            *super().get_urls(),
        ]

    def warc_view(self, request, pk):
        """The capture's WARC file, once its SHA-256 is the one recorded (fixity)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        capture = get_object_or_404(SourceCapture, pk=pk)
        with default_storage.open(capture.file, "rb") as stream:
            content = stream.read()
        if hashlib.sha256(content).hexdigest() != capture.sha256:
            return HttpResponse(
                _(
                    "This capture's file no longer has the SHA-256 recorded when it was made: "
                    "it was changed or damaged in storage."
                ),
                status=409,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(content, content_type="application/warc")
        response.headers["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"capture-{capture.pk}.warc.gz"
        )
        return response
