"""Workers claiming at once never get the same message: real threads, each with its own
database connection, released together by a barrier. On SQLite (the file test database:
claims queue on the IMMEDIATE transaction's write lock) and on PostgreSQL (SELECT ...
FOR UPDATE SKIP LOCKED)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from notifications.models import Message, Status
from notifications.outbox import deliver_due, messages_claim

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
MESSAGES = 60


def in_threads(work, threads=THREADS):
    """Run ``work()`` in ``threads`` threads at once; return their results."""
    barrier = threading.Barrier(threads)
    results = []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            result = work()
        except Exception as error:
            result = error
        finally:
            connection.close()
        with lock:
            results.append(result)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


@pytest.fixture
def queued(queue):
    return [queue("sms", event=f"e{n}") for n in range(MESSAGES)]


def test_concurrent_claims__each_message_claimed_by_one_worker(queued):
    def claim_until_empty():
        claimed = []
        while batch := messages_claim(limit=3):
            claimed.extend(m.pk for m in batch)
        return claimed

    results = in_threads(claim_until_empty)

    assert not [r for r in results if isinstance(r, Exception)], results
    claimed = Counter(pk for result in results for pk in result)
    assert sorted(claimed) == sorted(m.pk for m in queued)
    assert set(claimed.values()) == {1}
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}


def test_concurrent_deliveries__each_message_sent_once(queued, sms_outbox):
    results = in_threads(deliver_due)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(report.sent for report in results) == MESSAGES
    sent = Counter(m["reference"] for m in sms_outbox)
    assert sorted(sent) == sorted(m.reference.hex for m in queued)
    assert set(sent.values()) == {1}
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}
