"""Delivery receipts from the SMS provider.

GatewayAPI calls the webhook with each change of a message's state. The request carries
a JWT (HS256, keyed with the webhook secret set in GatewayAPI's dashboard and in
``SMS_WEBHOOK_SECRET``) in the ``X-Gwapi-Signature`` header; its claims are the receipt
(``id``, ``msisdn``, ``time``, ``status``, ``userref``, ...), so only they are trusted
and the body is not read. A bad or missing signature is 403, a signed receipt that makes
no sense is 400, a receipt for a message we do not know is acknowledged and ignored
(another environment on the same account), so the provider does not retry it.
"""

import datetime
import logging
import uuid

import jwt
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import DELIVERY_FINAL, Channel, Message

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def gatewayapi_receipt(request):
    secret = settings.SMS_WEBHOOK_SECRET
    token = request.headers.get("X-Gwapi-Signature", "")
    if not secret or not token:
        return HttpResponseForbidden("Signature required")
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        logger.warning("SMS receipt with a bad signature refused")
        return HttpResponseForbidden("Bad signature")
    status = claims.get("status")
    userref = claims.get("userref")
    timestamp = claims.get("time")
    if not (isinstance(status, str) and status.isalpha() and len(status) <= 20):
        return HttpResponseBadRequest("Bad status")
    if not isinstance(userref, str) or not userref:
        return HttpResponseBadRequest("Bad userref")
    try:
        at = datetime.datetime.fromtimestamp(float(timestamp), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return HttpResponseBadRequest("Bad time")
    status = status.upper()
    try:
        reference = uuid.UUID(userref)
    except ValueError:
        logger.info("SMS receipt for a reference that is not ours ignored")
        return HttpResponse("OK")  # another system on the same account
    messages = Message.objects.filter(reference=reference, channel=Channel.SMS)
    if status not in DELIVERY_FINAL:
        # Receipts may arrive out of order: a late transient state never replaces a final one.
        messages = messages.exclude(delivery_status__in=DELIVERY_FINAL)
    updated = messages.update(delivery_status=status, delivery_status_at=at)
    if not updated:
        logger.info("SMS receipt %s for an unknown or settled message ignored", status)
    return HttpResponse("OK")
