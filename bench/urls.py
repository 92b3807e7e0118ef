from django.shortcuts import get_object_or_404, render
from django.urls import include, path

from statements.models import Statement


def minimal(request, pk: int):
    """The yardstick: one row by primary key, a tiny template."""
    statement = get_object_or_404(Statement.objects.only("title"), pk=pk)
    return render(request, "bench/minimal.html", {"statement": statement})


urlpatterns = [
    path("_bench/minimal/<int:pk>/", minimal),
    path("", include("archive.urls")),
]
