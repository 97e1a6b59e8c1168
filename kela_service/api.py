"""The read-only JSON API, /api/v1/, with its OpenAPI schema at /api/v1/schema."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from appointments.api import router as appointments_router
from callbacks.api import router as callbacks_router
from offices.api import router as offices_router

api = NinjaAPI(
    title="Kela service API",
    version="1",
    description="Open data on Kela's service points in Tornio and Kemi, their opening "
    "hours, free appointment times and callback windows.",
    urls_namespace="api",
    openapi_url="/schema",
    docs_url=None,
)
api.add_router("", offices_router)
api.add_router("", appointments_router)
api.add_router("", callbacks_router)


@api.exception_handler(ValidationError)
def bad_request(request, exc):
    """Malformed query parameters are the client's error: 400, not 422."""
    return api.create_response(request, {"detail": exc.errors}, status=400)
