"""Create the demo team and its data; running it again changes nothing."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import seed_people

# Each app with demo data has a `demo` module with `seed(*, people, stdout)`.
SEEDED_APPS = ["chat.demo", "issues.demo", "collab.demo"]


class Command(BaseCommand):
    help = "Create a demo team (and each app's demo data). Safe to run twice."

    def handle(self, *args, **options):
        with transaction.atomic():
            self.stdout.write("Seeding the demo team…")
            people = seed_people(self.stdout)
            for seed in self.app_seeders():
                seed(people=people, stdout=self.stdout)
        names = ", ".join(sorted(people))
        self.stdout.write(self.style.SUCCESS(f"Demo people: {names}"))
        self.stdout.write(
            self.style.SUCCESS(f"Demo password for all of them: {settings.DEMO_PASSWORD}")
        )

    def app_seeders(self):
        """Return each app's `demo.seed(people=, stdout=)`, in dependency order."""
        seeders = []
        for module_name in SEEDED_APPS:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            seeders.append(module.seed)
        return seeders
