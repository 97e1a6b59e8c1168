"""The outbox: one row per message to a citizen, written in the transaction of the change
that caused it and sent later by a worker (``notifications.outbox``).

A row is keyed by (object, event, channel): the object is any model instance (through
contenttypes, so that each app's admin can list a booking's messages), the event is the
caller's word for what happened ("confirmed", "moved:1234"). A second message with the
same key is not written.
"""

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# GatewayAPI's delivery states (the receipts' "status"). Final ones are never replaced by
# a transient one that arrives late.
DELIVERY_FINAL = {
    "DELIVERED",
    "EXPIRED",
    "DELETED",
    "UNDELIVERABLE",
    "ACCEPTED",
    "REJECTED",
    "SKIPPED",
}
DELIVERY_FAILED = {"EXPIRED", "DELETED", "UNDELIVERABLE", "REJECTED", "SKIPPED"}


class MessageQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def queued(self):
        return self.filter(status=Status.QUEUED)

    def failed(self):
        return self.filter(status=Status.FAILED)

    def due(self, now):
        """Queued, its next attempt reached, and not leased (or the lease expired)."""
        return self.filter(status=Status.QUEUED, next_attempt_at__lte=now).filter(
            Q(leased_until__isnull=True) | Q(leased_until__lt=now)
        )

    def undelivered(self):
        """Accepted by the SMS provider, then reported as not delivered."""
        return self.filter(status=Status.SENT, delivery_status__in=DELIVERY_FAILED)


class Message(models.Model):
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    event = models.CharField(_("event"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Sent to the SMS provider as its reference (userref) and in the e-mail's Message-ID:
    # receipts match it, also when two environments share one provider account.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)

    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    # [{"filename": ..., "mimetype": ..., "content": ..., "base64": bool}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Holds a code or a private link: the text is blanked once sent."),
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("Not sent after this time (a code that lapsed, a reminder too late)."),
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A worker's claim: while leased_until is in the future no other worker sends it.
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    lease_token = models.UUIDField(_("lease"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    delivery_status = models.CharField(_("delivery status"), max_length=20, blank=True)
    delivery_status_at = models.DateTimeField(_("delivery status at"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        permissions = [("retry_message", _("Can retry failed messages"))]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "event", "channel"],
                name="notifications_message_one_per_key",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="notifications_message_channel"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="notifications_message_status"
            ),
        ]
        indexes = [
            # The workers' claim: queued rows by next attempt.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="notifications_message_due",
            ),
            models.Index(fields=["created_at"], name="notifications_message_created"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.event} → {self.recipient or '-'}"
