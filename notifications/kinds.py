"""The kinds of event that messages are about ("moved" of "moved:1234"), as the apps
that send them declare them: the admin's event filter lists these, rather than scanning
the outbox for the kinds there are (a query that grew with the outbox). A message about
a kind no app declared warns (``UndeclaredKind``; an error in the tests), so that a new
kind is not silently missing from the filter."""

import warnings

_declared = set()


class UndeclaredKind(UserWarning):
    """A message about an event kind that no app declared."""


def declare(*kinds):
    """Declare the event kinds an app's messages are about (at import, beside their
    names)."""
    _declared.update(kinds)


def declared():
    """Every declared kind, sorted."""
    return sorted(_declared)


def check(event):
    """Warn unless the kind of ``event`` ("moved" of "moved:1234") was declared."""
    kind = event.split(":", 1)[0]
    if kind not in _declared:
        warnings.warn(
            f"A message about {kind!r}, a kind no app declared (notifications.kinds.declare): "
            "the admin's event filter does not list it.",
            UndeclaredKind,
            stacklevel=3,
        )
