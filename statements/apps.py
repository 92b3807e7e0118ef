from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "statements"
    verbose_name = _("Archive")

    def ready(self) -> None:
        # The path converters every URLconf of the app uses.
        from statements import converters  # noqa: F401
