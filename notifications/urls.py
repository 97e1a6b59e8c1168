from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("gatewayapi/receipts", views.gatewayapi_receipt, name="gatewayapi-receipt"),
]
