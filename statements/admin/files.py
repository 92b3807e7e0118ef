"""The admin of the files imports read, kept byte for byte as provenance."""

from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from statements.admin.base import ListParametersChecked
from statements.models import ImportedFile


@admin.register(ImportedFile)
class ImportedFileAdmin(ListParametersChecked, admin.ModelAdmin):
    """The files imports read, kept byte for byte: read and downloaded, never edited."""

    list_display = ["name", "format", "size", "imported_at", "statement_count", "sha256"]
    list_filter = ["format"]
    search_fields = ["name", "=sha256"]
    fields = ["name", "format", "size", "sha256", "imported_at", "download", "statement_links"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("content")
            .annotate(statement_total=Count("statements"))
        )

    @admin.display(description=_("statements"), ordering="statement_total")
    def statement_count(self, obj):
        return obj.statement_total

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("admin:statements_importedfile_download", args=[obj.pk])
        return format_html('<a href="{}">Download {}</a>', url, obj.name)

    @admin.display(description=_("statements made from it"))
    def statement_links(self, obj):
        statements = obj.statements.only("title").order_by("title")[:100]
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:statements_statement_change", args=[s.pk]), s.title)
                for s in statements
            ),
        ) or _("none")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="statements_importedfile_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        from django.core.exceptions import PermissionDenied

        if not self.has_view_permission(request):
            raise PermissionDenied
        original = get_object_or_404(ImportedFile, pk=pk)
        response = HttpResponse(bytes(original.content), content_type="application/octet-stream")
        response.headers["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=original.name.rsplit("/", 1)[-1]
        )
        response.headers["X-Content-SHA256"] = original.sha256
        return response
