from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "collab"
    verbose_name = "Collab core"

    def ready(self):
        from collab import schema  # noqa: F401 - registers the OpenAPI auth extension
