"""The enrolment of an authenticator app, and django-axes' lockout page."""

import math

import segno
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import devices
from .forms import EnrolForm


def _next_url(request):
    """Where to go after the door: the ``next`` the user was sent with, if it is a path
    of this site, else the staff home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def qr_code_svg(text):
    """``text`` as a QR code: inline SVG markup (no image request, no JavaScript)."""
    svg = segno.make(text, error="m", micro=False).svg_inline(scale=4, border=4)
    return mark_safe(svg)  # noqa: S308 (segno's own markup of our own text)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request):
    """Set up an authenticator app: for a logged-in account with no second factor yet.
    Shows the app's secret as a QR code, an otpauth:// link and a key to type; the code
    the app then shows confirms it, verifies this session and gives backup codes, shown
    this once. An account that has a device never enrols another here."""
    next_url = _next_url(request)
    if devices.has_device(request.user):
        if request.user.is_verified():
            return redirect(next_url)
        return redirect_to_login(next_url)
    device = devices.enrolment_device(request.user)
    form = EnrolForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid() and (codes := form.save()) is not None:
        otp_login(request, form.device)
        return render(
            request, "accounts/enrolled.html", {"backup_codes": codes, "next_url": next_url}
        )
    uri = device.config_url
    context = {
        "form": form,
        "otpauth_uri": uri,
        "qr_code": qr_code_svg(uri),
        "setup_key": devices.setup_key(device),
        "next_url": next_url,
    }
    return render(request, "accounts/enrol.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page (``AXES_LOCKOUT_CALLABLE``): 429, in the user's
    language, saying when logging in works again. Every refused try starts the cool-off
    again (axes' default), so the time counts from this request."""
    cool_off = get_cool_off(request)
    started = getattr(request, "axes_attempt_time", None) or timezone.now()
    context = {"until": started + cool_off, "minutes": math.ceil(cool_off.total_seconds() / 60)}
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
