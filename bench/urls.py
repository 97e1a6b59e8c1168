"""The app's URLs plus the bench's yardstick: one INSERT per request (bench only)."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from kela_service.urls import *  # noqa: F403
from kela_service.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def one_insert(request):
    """What the cheapest useful write costs on this stack: one INSERT, autocommitted."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_insert (at) VALUES (now())")
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("bench/insert", one_insert), *app_urlpatterns]
