import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.devices import devices_replace
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
        "Prints the staff accounts' passwords and second factors: an otpauth:// URI for "
        "an authenticator app and a backup code (new ones on every run)."
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
            accounts = self._users(offices)
            today = hours.localdate()
            slots = slots_generate(
                start=today,
                end=today + datetime.timedelta(weeks=settings.APPOINTMENT_HORIZON_WEEKS),
            )
        self.stdout.write(self.style.SUCCESS(f"Offices: {', '.join(sorted(offices))}"))
        self.stdout.write(f"New appointment slots: {slots}")
        self.stdout.write(
            "Demo staff accounts. Log in at /admin/ with the password and a code: add the "
            "otpauth:// URI to an authenticator app (most take it typed or pasted, or as a "
            "QR code), or type the backup code (it works once)."
        )
        for username, (password, uri, backup_code) in accounts.items():
            self.stdout.write(f"  {username:8} password: {password}  backup code: {backup_code}")
            self.stdout.write(f"  {'':8} {uri}")

    def _users(self, offices):
        User = get_user_model()
        accounts = {}
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
            # Staff pages ask for a second factor: an app with a fresh secret, and a
            # backup code for whoever has no app at hand.
            device, backup_codes = devices_replace(user=user, backup_codes=1)
            accounts[username] = (password, device.config_url, backup_codes[0])
        return accounts
