"""Phone-service staff's callback queue, at /staff/callbacks/ (not language-prefixed)."""

from django.urls import path

from .views import staff

app_name = "callback_queue"
urlpatterns = [
    path("", staff.queue, name="queue"),
    path("summary/", staff.summary, name="summary"),
    path("<int:pk>/", staff.staff_detail, name="detail"),
    path("<int:pk>/take/", staff.take, name="take"),
]
