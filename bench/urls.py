from django.shortcuts import get_object_or_404, render
from django.urls import path

from archive.urls import urlpatterns as archive_urlpatterns
from statements.models import Statement


def minimal(request, pk: int):
    """The yardstick: one row by primary key, a tiny template."""
    statement = get_object_or_404(Statement.objects.only("title"), pk=pk)
    return render(request, "bench/minimal.html", {"statement": statement})


# The archive's own patterns appended, not included: they hold i18n_patterns, which Django
# takes only in a root URL configuration.
urlpatterns = [path("_bench/minimal/<int:pk>/", minimal), *archive_urlpatterns]
