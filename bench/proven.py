"""A browser session holding phone numbers proven by the SMS code step, as the booking
asks (``citizens.rules.prove``): the bench's citizens book from such sessions. Used by
``setup_requests.py`` and by the snippets that ``booking_race.py`` and
``email_offload.py`` run in ``manage.py shell``, so Django is set up by then."""

from django.contrib.sessions.backends.db import SessionStore

from citizens.rules import prove


def proven_session(*numbers):
    """The key of a new session in which ``numbers`` are proven."""
    session = SessionStore()
    for number in numbers:
        prove(session, number)
    session.create()
    return session.session_key
