"""``hours_changed``: an office's hours were changed through the models (the admin, a
data import that saves rows, a shell, a future API). Sent inside the transaction of the
change, so that the apps above can make their bookings follow at once
(``appointments`` closes and opens slots, ``callbacks`` flags requests whose window is
gone). Changes that bypass model saves (``update()``, bulk loads, a new ``holidays``
release) are caught by housekeeping, which reconciles the same way.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal

from .models import DateException, HoursPeriod, Office, WeeklyRule

# sender=Office, office=<the Office whose hours changed>
hours_changed = Signal()


def _office_id(instance):
    if isinstance(instance, WeeklyRule):
        return (
            HoursPeriod.objects.filter(pk=instance.period_id)
            .values_list("office_id", flat=True)
            .first()
        )
    return instance.office_id


def _remember_office(sender, instance, **kwargs):
    """An exception or period moved to another office changes both offices' hours."""
    if instance.pk:
        instance._office_before = (
            sender.objects.filter(pk=instance.pk).values_list("office_id", flat=True).first()
        )


def _changed(sender, instance, **kwargs):
    office_ids = {_office_id(instance), getattr(instance, "_office_before", None)} - {None}
    with transaction.atomic():
        for office in Office.objects.filter(pk__in=office_ids):
            hours_changed.send(sender=Office, office=office)


def connect():
    """From ``OfficesConfig.ready()``."""
    for model in (HoursPeriod, WeeklyRule, DateException):
        post_save.connect(_changed, sender=model, dispatch_uid=f"hours_changed.save.{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"hours_changed.delete.{model}")
    for model in (HoursPeriod, DateException):
        pre_save.connect(_remember_office, sender=model, dispatch_uid=f"hours_changed.pre.{model}")
