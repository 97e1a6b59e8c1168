"""A local stand-in for GatewayAPI's REST API, for tests.

It speaks the same protocol as the real service (as documented for ``POST /rest/mtsms``
and the delivery-status webhooks): basic auth with the API token as the user name, a JSON
body with ``message``, ``sender``, ``recipients: [{"msisdn": ...}]``, ``userref`` and
``callback_url``; it answers ``{"ids": [...], "usage": {...}}``, or an error
``{"code": ..., "message": ...}`` with 401 or 422. It records what it accepted and can
post delivery receipts to the callback URL, signed as GatewayAPI signs them: a JWT
(HS256, keyed with the webhook secret) in the ``X-Gwapi-Signature`` header.

A threaded ``http.server`` on 127.0.0.1, on a port the OS picks; ``stop()`` shuts it
down. Several worker processes may send to it at once.
"""

import base64
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

TOKEN = "test-token"
WEBHOOK_SECRET = "test-webhook-secret-of-32-characters"


class FakeGatewayApi:
    def __init__(self, *, token=TOKEN, webhook_secret=WEBHOOK_SECRET):
        self.token = token
        self.webhook_secret = webhook_secret
        self.received = []  # accepted messages: {"id", "msisdn", "message", "sender", ...}
        self.requests = 0
        self.failures = []  # status codes to answer the next requests with, in order
        self._ids = itertools.count(1000001)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self):
        return self._server.server_address[1]

    def sms_url(self, sender="Kela"):
        return f"gatewayapi+http://{self.token}@127.0.0.1:{self.port}?sender={sender}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, *status_codes):
        """Answer the next requests with these HTTP status codes instead of accepting."""
        with self._lock:
            self.failures.extend(status_codes)

    def userrefs(self):
        with self._lock:
            return [message["userref"] for message in self.received]

    def send_receipt(self, message, status="DELIVERED", *, secret=None, token=None, **claims):
        """POST a delivery receipt for an accepted ``message`` to its callback URL;
        return the HTTP status code of the app's answer."""
        payload = {
            "id": message["id"],
            "msisdn": message["msisdn"],
            "time": int(time.time()),
            "status": status,
            "error": None,
            "code": None,
            "userref": message["userref"],
            "country_code": "FI",
            "country_prefix": 358,
            **claims,
        }
        if token is None:
            token = jwt.encode(payload, secret or self.webhook_secret, algorithm="HS256")
        request = urllib.request.Request(  # noqa: S310 (the app's http:// live server)
            message["callback_url"],
            data=json.dumps(payload).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-Gwapi-Signature": token},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # --- the server side ------------------------------------------------------------

    def _accept(self, body):
        """Check a /rest/mtsms body; return (status, answer)."""
        message = body.get("message")
        recipients = body.get("recipients")
        sender = body.get("sender", "")
        if not isinstance(message, str) or not message:
            return 422, {"code": "0x0209", "message": "message is required"}
        if not isinstance(recipients, list) or not recipients:
            return 422, {"code": "0x0209", "message": "recipients is required"}
        if len(sender) > 11 and not sender.isdigit():
            return 422, {"code": "0x0209", "message": "sender too long"}
        accepted = []
        with self._lock:
            for recipient in recipients:
                msisdn = recipient.get("msisdn") if isinstance(recipient, dict) else None
                if not isinstance(msisdn, int):
                    return 422, {"code": "0x0209", "message": "msisdn must be a number"}
                accepted.append(
                    {
                        "id": next(self._ids),
                        "msisdn": msisdn,
                        "message": message,
                        "sender": sender,
                        "userref": body.get("userref"),
                        "callback_url": body.get("callback_url"),
                        "max_parts": body.get("max_parts"),
                    }
                )
            self.received.extend(accepted)
        return 200, {
            "ids": [m["id"] for m in accepted],
            "usage": {"countries": {"FI": len(accepted)}, "currency": "EUR", "total_cost": 0},
        }

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                with fake._lock:
                    fake.requests += 1
                    failure = fake.failures.pop(0) if fake.failures else None
                if self.path.split("?")[0] != "/rest/mtsms":
                    return self._answer(404, {"message": "Not found"})
                expected = "Basic " + base64.b64encode(f"{fake.token}:".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, {"code": "0x0101", "message": "Invalid API key"})
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"null")
                except ValueError:
                    return self._answer(422, {"message": "Invalid json request body"})
                if failure:
                    return self._answer(failure, {"message": "Injected failure"})
                if not isinstance(body, dict):
                    return self._answer(422, {"message": "Expected one message"})
                self._answer(*fake._accept(body))

            def _answer(self, status, answer):
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                pass

        return Handler
