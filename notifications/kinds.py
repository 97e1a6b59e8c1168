"""The kinds of event that messages are about ("moved" of "moved:1234"), as the apps
that send them declare them: the admin's event filter lists these, rather than scanning
the outbox for the kinds there are (a query that grew with the outbox)."""

_declared = set()


def declare(*kinds):
    """Declare the event kinds an app's messages are about (at import, beside their
    names)."""
    _declared.update(kinds)


def declared():
    """Every declared kind, sorted."""
    return sorted(_declared)
