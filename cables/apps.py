from django.apps import AppConfig


class CablesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cables"
    verbose_name = "Cables"

    def ready(self):
        from django.db.models.signals import post_save

        # Registers the search system checks (FTS5 present, triggers in place).
        from cables import facets, search  # noqa: F401
        from cables.models import Cable, Paragraph

        # A cable or paragraph saved outside the importer takes a new archive version: no
        # cached count or search of the text before is read again.
        for model in (Cable, Paragraph):
            uid = f"archive_changed:{model._meta.label}"
            post_save.connect(facets.archive_changed, sender=model, dispatch_uid=uid)
