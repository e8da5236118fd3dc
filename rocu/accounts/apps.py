from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rocu.accounts"
    label = "accounts"
    verbose_name = "Organisations and people"

    def ready(self) -> None:
        from rocu.accounts import demo, home, signals  # noqa: F401 - registers seeders and panels, connects auditing
