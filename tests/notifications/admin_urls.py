"""An admin site whose user admin shows ``MessageInline``, as the appointments' and
callbacks' admins will (tests only)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import path

from notifications.admin import MessageInline

site = admin.AdminSite(name="inline_test")


@admin.register(get_user_model(), site=site)
class UserWithMessagesAdmin(admin.ModelAdmin):
    fields = ["username"]
    inlines = [MessageInline]


urlpatterns = [path("admin/", site.urls)]
