"""The development identity provider at /dev-idp/: its login page and, at /dev-idp/o/,
the OpenID Connect endpoints (discovery, keys, authorisation, token, user info,
logout) under django-oauth-toolkit's own namespace, which its views reverse."""

from django.urls import include, path, re_path
from oauth2_provider import views as oauth2_views

from . import views

oidc_patterns = (
    [
        path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
        path("token/", oauth2_views.TokenView.as_view(), name="token"),
        re_path(
            r"^\.well-known/openid-configuration/?$",
            oauth2_views.ConnectDiscoveryInfoView.as_view(),
            name="oidc-connect-discovery-info",
        ),
        path(
            ".well-known/oauth-authorization-server",
            oauth2_views.OAuthServerMetadataView.as_view(),
            name="oauth-server-metadata",
        ),
        path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
        path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
        path(
            "logout/",
            oauth2_views.RPInitiatedLogoutView.as_view(),
            name="rp-initiated-logout",
        ),
    ],
    "oauth2_provider",
)

app_name = "dev_identity"
urlpatterns = [
    path("login/", views.login, name="login"),
]

root_patterns = [
    path("dev-idp/o/", include(oidc_patterns)),
    path("dev-idp/", include((urlpatterns, app_name))),
]
