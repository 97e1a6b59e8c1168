"""The identified citizen's login and logout, language-prefixed (/my/login/,
/sv/my/login/, ...). The page /my/ itself lists bookings of the apps above and is
the project's (``kela_service.views.my_page``)."""

from django.urls import path

from . import views

app_name = "citizens"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("call-code/", views.call_code, name="call_code"),
    path("phone/", views.my_phone, name="my_phone"),
]
