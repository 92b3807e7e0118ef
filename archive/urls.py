from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from statements.interop.api import api

admin.site.site_header = f"{settings.ARCHIVE_NAME}: editors"
admin.site.site_title = settings.ARCHIVE_NAME
admin.site.index_title = "Editing the archive"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("statements.urls")),
    path("opds/", include("statements.interop.opds")),
    path("api/", api.urls),
]

# Under /api/ an unknown address is answered in JSON, like the API's own 404s.
handler404 = "statements.catalog.views.page_not_found"
