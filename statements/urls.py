from django.urls import path, register_converter

from statements import views


class UnicodeSlugConverter:
    """Slugs may be non-Latin (Macedonian, Chinese titles); anything else never reaches a view."""

    regex = r"[-\w]{1,255}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

app_name = "statements"

urlpatterns = [
    path("", views.home, name="home"),
    path("statements/<uslug:slug>/", views.statement_detail, name="statement_detail"),
]
