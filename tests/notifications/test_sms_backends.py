"""SMS backends chosen by SMS_URL: console, memory, file, and GatewayAPI's REST API
(against a local fake server that speaks it, receipts included)."""

import io
import json

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications import sms
from notifications.models import Message, Status
from notifications.outbox import deliver_due
from notifications.sms import _backend_for

pytestmark = pytest.mark.django_db


def test_sms_url__console_by_default():
    assert isinstance(_backend_for(""), sms.ConsoleBackend)
    assert isinstance(_backend_for("console://"), sms.ConsoleBackend)


def test_sms_url__unknown_scheme__is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="twilio"):
        _backend_for("twilio://x@y")


def test_sms_url__gatewayapi_without_token__is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="API_TOKEN"):
        _backend_for("gatewayapi://gatewayapi.eu")


def test_sms_url__gatewayapi__https_with_the_token_and_sender():
    backend = _backend_for("gatewayapi://s3cret%2Ftoken@gatewayapi.eu?sender=KelaFPA")

    assert backend.endpoint == "https://gatewayapi.eu/rest/mtsms"
    assert backend.sender == "KelaFPA"
    assert backend.authorization == "Basic czNjcmV0L3Rva2VuOg=="  # "s3cret/token:"


def test_console_backend__prints_each_message():
    stream = io.StringIO()
    backend = sms.ConsoleBackend(None, stream=stream)

    backend.send(to="+358401234567", text="Hei.", reference="abc")

    assert stream.getvalue() == f"SMS to +358401234567 [abc]\nHei.\n{'-' * 40}\n"


def test_file_backend__one_json_file_per_message_sent(tmp_path, settings, queue):
    settings.SMS_URL = f"file://{tmp_path}/sms"
    first = queue("sms", event="a", body="Eka.")
    second = queue("sms", event="b", body="Toka.")

    deliver_due()

    files = sorted((tmp_path / "sms").glob("*.json"))
    assert [json.loads(f.read_text()) for f in files] == [
        {"to": "+358401234567", "text": "Eka.", "reference": first.reference.hex},
        {"to": "+358401234567", "text": "Toka.", "reference": second.reference.hex},
    ]
    first.refresh_from_db()
    assert first.provider_id == files[0].stem


# --- GatewayAPI through the fake server ---------------------------------------------


def test_gatewayapi__sends_the_documented_request_and_keeps_the_id(gatewayapi, settings, queue):
    message = queue("sms", body="Aika varattu ma 7.12. klo 9.00.")

    assert deliver_due().sent == 1

    [received] = gatewayapi.received
    assert received == {
        "id": 1000001,
        "msisdn": 358401234567,
        "message": "Aika varattu ma 7.12. klo 9.00.",
        "sender": "Kela",
        "userref": message.reference.hex,
        "callback_url": f"{settings.SITE_URL}/notifications/gatewayapi/receipts",
        "max_parts": 1,
    }
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (Status.SENT, "1000001")


def test_gatewayapi__wrong_token__retried_later(gatewayapi, settings, queue):
    settings.SMS_URL = gatewayapi.sms_url().replace(gatewayapi.token, "wrong")
    message = queue("sms")

    assert deliver_due().retried == 1

    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.last_error == "SendError: GatewayAPI 401: 0x0101 Invalid API key"


def test_gatewayapi__server_error__retried_and_unprocessable__failed(gatewayapi, queue):
    gatewayapi.fail_next(500, 422)
    retried = queue("sms", event="a")
    failed = queue("sms", event="b")

    report = deliver_due()

    assert (report.retried, report.failed) == (1, 1)
    retried.refresh_from_db()
    failed.refresh_from_db()
    assert (retried.status, failed.status) == (Status.QUEUED, Status.FAILED)
    assert failed.last_error == "PermanentSendError: GatewayAPI 422: Injected failure"


def test_gatewayapi__unreachable__retried(settings, fake_gatewayapi, queue):
    settings.SMS_URL = fake_gatewayapi.sms_url()
    fake_gatewayapi.stop()
    message = queue("sms")

    assert deliver_due().retried == 1

    message.refresh_from_db()
    assert "Connection refused" in message.last_error


def sent_through(gatewayapi, queue, **fields):
    message = queue("sms", **fields)
    deliver_due()
    [received] = [m for m in gatewayapi.received if m["userref"] == message.reference.hex]
    return message, received


def test_receipt__signed__sets_the_delivery_status(gatewayapi, queue):
    message, received = sent_through(gatewayapi, queue)

    assert gatewayapi.send_receipt(received, "ENROUTE") == 200
    message.refresh_from_db()
    assert message.delivery_status == "ENROUTE"
    assert gatewayapi.send_receipt(received, "DELIVERED") == 200
    message.refresh_from_db()
    assert message.delivery_status == "DELIVERED"
    assert message.delivery_status_at is not None


def test_receipt__late_transient_state__does_not_replace_a_final_one(gatewayapi, queue):
    message, received = sent_through(gatewayapi, queue)

    gatewayapi.send_receipt(received, "UNDELIVERABLE")
    assert gatewayapi.send_receipt(received, "ENROUTE") == 200

    message.refresh_from_db()
    assert message.delivery_status == "UNDELIVERABLE"
    assert list(Message.objects.undelivered()) == [message]


def test_receipt__wrong_secret_or_no_signature__403_and_nothing_changes(gatewayapi, queue):
    message, received = sent_through(gatewayapi, queue)

    assert gatewayapi.send_receipt(received, secret="a-guessed-secret-that-is-long-enough") == 403
    assert gatewayapi.send_receipt(received, token="") == 403
    assert gatewayapi.send_receipt(received, token="not.a.jwt") == 403
    unsigned = jwt.encode({"status": "DELIVERED"}, None, algorithm="none")
    assert gatewayapi.send_receipt(received, token=unsigned) == 403

    message.refresh_from_db()
    assert message.delivery_status == ""


def test_receipt__no_secret_configured__403(gatewayapi, settings, queue):
    _, received = sent_through(gatewayapi, queue)
    settings.SMS_WEBHOOK_SECRET = ""

    assert gatewayapi.send_receipt(received) == 403


@pytest.mark.parametrize(
    "claims",
    [
        {"status": None},
        {"status": "DELIVERED; DROP"},
        {"status": 5},
        {"userref": None},
        {"userref": 17},
        {"time": "yesterday"},
        {"time": 1e30},
    ],
)
def test_receipt__signed_but_malformed__400(gatewayapi, queue, claims):
    _, received = sent_through(gatewayapi, queue)

    assert gatewayapi.send_receipt(received, **claims) == 400


def test_receipt__for_a_message_that_is_not_ours__acknowledged_and_ignored(gatewayapi, queue):
    message, received = sent_through(gatewayapi, queue)

    assert gatewayapi.send_receipt({**received, "userref": "someone-else"}) == 200
    assert gatewayapi.send_receipt({**received, "userref": "0" * 32}) == 200

    message.refresh_from_db()
    assert message.delivery_status == ""


def test_receipt_url__get__405(client):
    assert client.get("/notifications/gatewayapi/receipts").status_code == 405


def test_receipt_url__post_without_csrf_token__reaches_the_view(settings):
    from django.test import Client

    settings.SMS_WEBHOOK_SECRET = "s"
    response = Client(enforce_csrf_checks=True).post("/notifications/gatewayapi/receipts")

    assert response.status_code == 403
    assert response.content == b"Signature required"


def test_receipts__many_from_one_address__all_accepted(client, settings, queue):
    """GatewayAPI sends every receipt from one of two addresses: the webhook must not
    share the public forms' rate limit (its signature is its access control)."""
    settings.SMS_WEBHOOK_SECRET = "a-webhook-secret-of-32-characters-or-more"
    message = queue("sms")
    claims = {"id": 1, "msisdn": 358401234567, "time": 1_800_000_000, "status": "ENROUTE"}
    token = jwt.encode(
        {**claims, "userref": message.reference.hex}, settings.SMS_WEBHOOK_SECRET, "HS256"
    )

    codes = {
        client.post(
            "/notifications/gatewayapi/receipts",
            data="{}",
            content_type="application/json",
            headers={"X-Gwapi-Signature": token},
        ).status_code
        for _ in range(60)
    }

    assert codes == {200}
    message.refresh_from_db()
    assert message.delivery_status == "ENROUTE"
