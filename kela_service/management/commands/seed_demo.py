import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appointments.rules import slots_generate
from offices import hours, roles
from offices.demo import seed_offices

# username -> (group name or None for a superuser, offices the user staffs)
DEMO_USERS = {
    "admin": (None, []),
    "phone": (roles.PHONE_SERVICE, []),
    "tornio": (roles.OFFICE_STAFF, ["tornio"]),
    "kemi": (roles.OFFICE_STAFF, ["kemi"]),
}


class Command(BaseCommand):
    help = (
        "Load demo data: the Tornio and Kemi service points, the phone service, their "
        "hours, topics, demo staff accounts and free appointment slots. Idempotent. "
        "Prints the staff accounts' passwords (new ones on every run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (creates accounts with known passwords).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: seed_demo creates staff accounts. "
                "Pass --allow-production if you really mean it."
            )
        with transaction.atomic():
            offices = seed_offices()
            passwords = self._users(offices)
            today = hours.localdate()
            slots = slots_generate(
                start=today,
                end=today + datetime.timedelta(weeks=settings.APPOINTMENT_HORIZON_WEEKS),
            )
        self.stdout.write(self.style.SUCCESS(f"Offices: {', '.join(sorted(offices))}"))
        self.stdout.write(f"New appointment slots: {slots}")
        self.stdout.write("Demo staff accounts (log in at /admin/):")
        for username, password in passwords.items():
            self.stdout.write(f"  {username:8} {password}")

    def _users(self, offices):
        User = get_user_model()
        passwords = {}
        for username, (group_name, office_slugs) in DEMO_USERS.items():
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = group_name is None
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
            if group_name:
                group, _ = Group.objects.get_or_create(name=group_name)
                user.groups.add(group)
            for slug in office_slugs:
                offices[slug].staff.add(user)
            passwords[username] = password
        return passwords
