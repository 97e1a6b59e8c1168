from django.urls import path

from . import views

app_name = "callback_queue"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("summary/", views.summary, name="summary"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/take/", views.take, name="take"),
]
