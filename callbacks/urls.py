from django.urls import path

from .views import public

app_name = "callbacks"
urlpatterns = [
    path("", public.request_callback, name="request"),
    path("lost-link/", public.lost_link, name="lost_link"),
    path("mine/<str:reference>/cancel/", public.identified_cancel, name="identified_cancel"),
    path("<str:reference>/<str:token>/", public.callback_detail, name="detail"),
    path("<str:reference>/<str:token>/cancel/", public.callback_cancel, name="cancel"),
]
