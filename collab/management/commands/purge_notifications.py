"""Delete read notifications older than a number of days; unread ones are always kept."""

from django.core.management.base import BaseCommand, CommandError

from collab import services
from collab.errors import DomainError


class Command(BaseCommand):
    help = "Delete read notifications older than --older-than DAYS (unread ones are kept)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="Delete read notifications created more than DAYS days ago.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Rows deleted per transaction."
        )

    def handle(self, *args, older_than: int, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  deleted {done}/{total}…")

        try:
            count = services.purge_read_notifications(
                older_than_days=older_than,
                dry_run=dry_run,
                batch_size=batch_size,
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        noun = "notification" if count == 1 else "notifications"
        if dry_run:
            self.stdout.write(
                f"Dry run: {count} read {noun} older than {older_than} days would be deleted."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Deleted {count} read {noun} older than {older_than} days.")
            )
