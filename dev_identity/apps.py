import contextlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevIdentityConfig(AppConfig):
    name = "dev_identity"
    verbose_name = _("Development identity provider")

    def ready(self):
        # django-oauth-toolkit registers its models in the admin (the admin's ready()
        # has run by now); here they are only the development provider's workings.
        from django.contrib import admin
        from django.contrib.admin.exceptions import NotRegistered
        from oauth2_provider import models

        for model in (
            models.get_access_token_model(),
            models.get_application_model(),
            models.get_grant_model(),
            models.get_id_token_model(),
            models.get_refresh_token_model(),
        ):
            with contextlib.suppress(NotRegistered):
                admin.site.unregister(model)
