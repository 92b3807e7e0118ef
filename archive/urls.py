from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from statements.admin import view_on_site
from statements.copies.views import copy_file, mirror_file
from statements.interop.api import api

admin.site.site_header = format_lazy("{}: {}", settings.ARCHIVE_NAME, gettext_lazy("editors"))
admin.site.site_title = settings.ARCHIVE_NAME
admin.site.index_title = gettext_lazy("Editing the archive")

urlpatterns = [
    # Before the admin's own "view on site" redirect, which checks staff status only.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="view_on_site_checked",
    ),
    path("admin/", admin.site.urls),
    # The interface's translations, edited by the "Translators" group (docs/translators.md).
    path("rosetta/", include("rosetta.urls")),
    # The admin's language chooser posts here (Django's set_language: a cookie, then back).
    path("i18n/", include("django.conf.urls.i18n")),
    path("opds/", include("statements.interop.opds")),
    path("api/", api.urls),
    # The git mirror, for `git clone https://…/mirror.git` (statements.copies).
    path("mirror.git/<path:path>", mirror_file, name="mirror_file"),
    # The latest published copies, listed on /about/copies/.
    path("copies/<str:name>", copy_file, name="copy_file"),
]
# The reader's pages in every interface language: English at today's addresses, the others
# under their prefix (/uk/statements/…); a shared address keeps its language.
urlpatterns += i18n_patterns(path("", include("statements.urls")), prefix_default_language=False)

# Under /api/ an unknown address is answered in JSON, like the API's own 404s.
handler404 = "statements.catalog.pages.page_not_found"
