from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and accounts"

    def ready(self):
        from accounts import signals  # noqa: F401 - connects the security log receivers
