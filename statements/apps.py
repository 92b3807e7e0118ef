from django.apps import AppConfig


class StatementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "statements"
    verbose_name = "Archive"

    def ready(self) -> None:
        # The path converters every URLconf of the app uses.
        from statements import converters  # noqa: F401
