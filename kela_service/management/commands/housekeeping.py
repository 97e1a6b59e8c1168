from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from kela_service.jobs import JOBS, schedules_ensure


class Command(BaseCommand):
    help = (
        "Run every periodic job once (deliver notifications, generate slots up to the "
        "horizon, send reminders, purge personal data) and make sure the task queue's "
        "schedules exist. Idempotent: for cron-style deployments, tests and operators; "
        "the task queue's workers run the same jobs on their schedules."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--job",
            action="append",
            choices=[job.name for job in JOBS],
            help="Run only this job (repeatable).",
        )

    def handle(self, *args, job=None, **options):
        failed = []
        for entry in JOBS:
            if job and entry.name not in job:
                continue
            try:
                result = import_string(entry.func)()
            except Exception as error:
                failed.append(entry.name)
                self.stderr.write(f"{entry.name}: failed: {type(error).__name__}: {error}")
            else:
                self.stdout.write(f"{entry.name}: {result}")
        changed = schedules_ensure()
        self.stdout.write(f"Schedules: {changed} created or updated.")
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}")
