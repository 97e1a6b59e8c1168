"""The project's URLs plus pages whose database has gone away (test_faults.py)."""

from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.urls import path

from kela_service import urls as project

# The message psycopg gives when nothing listens where the database should be.
GONE = (
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
    "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?"
)


def database_gone(request):
    raise OperationalError(GONE)


def code_bug(request):
    raise ZeroDivisionError("a bug")


handler500 = project.handler500
urlpatterns = [
    path("api/v1/gone", database_gone),
    *project.urlpatterns,
    *i18n_patterns(
        path("gone/", database_gone), path("bug/", code_bug), prefix_default_language=False
    ),
]
