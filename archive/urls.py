from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Statement Archive: editors"
admin.site.site_title = "Statement Archive"
admin.site.index_title = "Editing the archive"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("statements.urls")),
    path("opds/", include("statements.opds")),
]
