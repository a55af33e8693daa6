"""Send the daily notification digest to everyone who chose it."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from collab import selectors, services


class Command(BaseCommand):
    help = "Mail each person who wants a digest their unread notifications of one day."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            metavar="YYYY-MM-DD",
            help="The day to send the digest of (default: yesterday).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only list who would get a digest."
        )

    def handle(self, *args, day: str | None, dry_run: bool, **options):
        try:
            the_day = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
        except ValueError as exc:
            raise CommandError(f"--date {day!r} is not a date like 2026-11-24.") from exc
        user_ids = selectors.digest_recipient_ids(day=the_day)
        total = len(user_ids)
        self.stdout.write(f"Digests for {the_day.isoformat()}: {total} people.")
        names = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "username"))
        sent = mailed = 0
        for index, user_id in enumerate(user_ids, start=1):
            name = names.get(user_id, user_id)
            if dry_run:
                user = User.objects.get(pk=user_id)
                count = len(selectors.digest_notifications(user=user, day=the_day))
                self.stdout.write(f"  [{index}/{total}] {name}: would mail {count}")
                continue
            count = services.send_digest(user_id=user_id, day=the_day)
            if count:
                sent += 1
                mailed += count
                self.stdout.write(f"  [{index}/{total}] {name}: mailed {count}")
            else:
                self.stdout.write(f"  [{index}/{total}] {name}: skipped (already sent)")
        if dry_run:
            self.stdout.write(f"Dry run: nothing sent to {total} people.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Sent {sent} digests holding {mailed} notifications.")
            )
