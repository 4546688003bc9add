from django.apps import AppConfig


class CablesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cables"
    verbose_name = "Cables"

    def ready(self):
        # Registers the search system checks (FTS5 present, triggers in place).
        from cables import search  # noqa: F401
