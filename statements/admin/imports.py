"""The admin's import page: upload files, see what each holds (a dry run), then import them
as drafts; on a task queue's worker when one is configured (a job page follows it), else in
the request."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from infra.queue import enqueue
from statements.ingest import uploads
from statements.ingest.services import statement_import
from statements.ingest.tasks import import_run, import_upload
from statements.models import Job


def import_plan_summary(entries) -> str:
    """What importing does, in an editor's words: "1 new draft; 1 update to a published
    statement, public at once". An update never changes a statement's status, so an update
    of a published one is public as soon as it is imported."""
    created = sum(entry.action == "created" for entry in entries)
    live = sum(entry.action == "updated" and entry.status == "published" for entry in entries)
    drafts = sum(entry.action == "updated" and entry.status != "published" for entry in entries)
    unchanged = sum(entry.action == "unchanged" for entry in entries)
    parts = [
        created and ngettext("%(count)s new draft", "%(count)s new drafts", created),
        live
        and ngettext(
            "%(count)s update to a published statement, public at once",
            "%(count)s updates to published statements, public at once",
            live,
        ),
        drafts and ngettext("%(count)s update to a draft", "%(count)s updates to drafts", drafts),
        unchanged and ngettext("%(count)s unchanged", "%(count)s unchanged", unchanged),
    ]
    counts = [created, live, drafts, unchanged]
    parts = [part % {"count": count} for part, count in zip(parts, counts, strict=True) if part]
    return "; ".join(parts) or str(_("nothing to import"))


DUPLICATE_CHOICES = {
    "new": _("Import it as a new statement (the pair is listed among the possible duplicates)"),
    "skip": _("Skip it"),
    "source": _("Record the file as another source of the statement already there"),
}


class StatementImportMixin:
    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="statements_statement_import",
            ),
            path(
                "import/job/<int:pk>/",
                self.admin_site.admin_view(self.import_job_view),
                name="statements_statement_import_job",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload files, see what each one holds, then import them as drafts."""
        from django.core.exceptions import PermissionDenied

        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import statements"),
            "opts": self.model._meta,
            "max_megabytes": uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
        }
        if request.method == "POST" and request.POST.get("token"):
            token = request.POST["token"]
            if not uploads.upload_owned(request, token) or not uploads.upload_kept(token):
                context["error"] = _("This upload has expired or is not yours: upload again.")
            else:
                duplicates = request.POST.get("duplicates", "new")
                if duplicates not in DUPLICATE_CHOICES:
                    duplicates = "new"
                job, created = Job.objects.get_or_create(
                    key=f"import:{token}",
                    # Until the import is done, its report holds the editor's choice.
                    defaults={
                        "kind": Job.IMPORT,
                        "created_by": request.user,
                        "report": {"duplicates": duplicates},
                    },
                )
                if not created or enqueue(import_run, job.pk, get_language()):
                    # On a worker (any web host may show how it goes): the job's page.
                    return redirect("admin:statements_statement_import_job", job.pk)
                # No task queue: in this request, bounded well inside the worker's timeout;
                # what was not reached is reported and can be uploaded again.
                report = import_upload(job, seconds=settings.ARCHIVE_ADMIN_IMPORT_SECONDS)
                uploads.upload_discard(request, token)
                if report is None:
                    context["error"] = job.message
                context["report"] = report
                if report is not None and (report.created or report.updated):
                    self.message_user(
                        request,
                        _(
                            "%(created)s created as drafts and %(updated)s updated (each "
                            "keeping its status)."
                        )
                        % {"created": len(report.created), "updated": len(report.updated)},
                        messages.SUCCESS,
                    )
        elif request.method == "POST":
            token, errors = uploads.upload_receive(request)
            files = uploads.upload_files(request, token) or []
            # What an import would do, written and rolled back: new or an update (of which
            # statement, and what changes), and why a file cannot be imported.
            plan = statement_import(
                files=files,
                status="draft",
                dry_run=True,
                seconds=settings.ARCHIVE_ADMIN_IMPORT_SECONDS,
            )
            if not plan.entries:  # nothing to import in it: nothing kept of it
                uploads.upload_discard(request, token)
            context.update(
                token=token,
                previews=plan.entries,
                errors=errors + plan.failed,
                plan=plan,
                plan_summary=import_plan_summary(plan.entries),
                alike=any(entry.alike for entry in plan.entries),
                duplicate_choices=list(DUPLICATE_CHOICES.items()),
            )
        return TemplateResponse(request, "admin/statements/statement/import.html", context)

    def import_job_view(self, request, pk: int):
        """An import running on a worker: how it goes, then its report."""
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import get_object_or_404

        if not self.has_add_permission(request):
            raise PermissionDenied
        job = get_object_or_404(Job, pk=pk, kind=Job.IMPORT)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import statements"),
            "opts": self.model._meta,
            "max_megabytes": uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
            "job": job,
            "report": job.report if job.state == Job.DONE else None,
            "error": job.message if job.state == Job.FAILED else "",
        }
        return TemplateResponse(request, "admin/statements/statement/import.html", context)
