"""The citizens' pages: the code step shared by the booking and callback flows, and
the identified citizen's login (OpenID Connect), logout and own page.

The code step of a citizen's booking or callback request, shared by both flows:

``phone_proof`` is called by the view that would store the booking or request: it
answers whether the number is proven in this browser session, and otherwise handles the
step (send a code, check the typed one, send a new one) and gives the context for the
caller's template, which draws ``citizens/includes/code_step.html``.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import callcodes, identity, oidc, rules
from .forms import ActionForm, CodeForm, PhoneForm

PROVE, RESEND = "prove", "resend"


@dataclass
class Proof:
    proven: bool
    form: CodeForm | None = None
    notes: list = field(default_factory=list)  # what the page says about the code
    errors: list = field(default_factory=list)  # why no code could be sent


def phone_proof(request, phone, *, action, identified_suffices=True):
    """Is ``phone`` proven here? If not, handle the code step for the POSTed ``action``
    (PROVE: check the typed code; RESEND: send another; else: this is the first time,
    send one) and return what the step page needs. An identified citizen (logged in by
    strong identification) needs no code, unless the number itself is what is to be
    proven (``identified_suffices=False``)."""
    session = request.session
    if identified_suffices and identity.current(request) is not None:
        return Proof(proven=True)
    if rules.is_proven(session, phone):
        return Proof(proven=True)
    address = getattr(request, "client_address", request.META.get("REMOTE_ADDR", ""))
    if action == PROVE:
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                rules.code_check(phone=phone, code=form.cleaned_data["code"])
            except ValidationError as error:
                form.add_error("code", error)
            else:
                rules.prove(session, phone)
                return Proof(proven=True)
        return Proof(proven=False, form=form)
    form = CodeForm()
    if action != RESEND and rules.code_waiting(phone):
        # Back from editing the details: the code already sent still works.
        return Proof(proven=False, form=form, notes=["sent"])
    try:
        rules.code_send(phone=phone, address=address, language=request.LANGUAGE_CODE)
    except ValidationError as error:
        return Proof(proven=False, form=form, errors=error.messages)
    return Proof(proven=False, form=form, notes=["sent" if action != RESEND else "resent"])


# --- Identified citizens: the login by OpenID Connect and the citizen's own page ------

LANGUAGE_KEY = "citizens.login_language"

FAILURES = {
    oidc.CANCELLED: (
        _("Identification cancelled"),
        _("You cancelled the identification. You were not logged in."),
        200,
    ),
    oidc.UNAVAILABLE: (
        _("Identification is not available"),
        _(
            "The identification service did not answer. You were not logged in. Please try "
            "again in a moment. You can still book an appointment and request a callback "
            "without logging in."
        ),
        502,
    ),
    oidc.REFUSED: (
        _("Identification failed"),
        _(
            "We could not verify the identification, so you were not logged in. Please "
            "log in again."
        ),
        400,
    ),
    oidc.STALE: (
        _("Identification expired"),
        _(
            "This identification was already used or has expired, so you were not logged "
            "in. Please log in again."
        ),
        400,
    ),
}


def _login_failed(request, reason):
    title, text, status = FAILURES[reason]
    context = {"title": title, "text": text}
    return render(request, "citizens/login_failed.html", context, status=status)


def _configured():
    return bool(settings.OIDC_CLIENT_ID and (settings.OIDC_ISSUER or settings.OIDC_DISCOVERY_URL))


def _return_language(request):
    """The language the citizen started the login or logout in (the callbacks have no
    language prefix), made current."""
    language = request.session.get(LANGUAGE_KEY)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


@never_cache
@require_GET
def login(request):
    """Off to the identity provider (its discovery document, the code flow with PKCE)."""
    if not _configured():
        return _login_failed(request, oidc.UNAVAILABLE)
    request.session[LANGUAGE_KEY] = translation.get_language()
    try:
        return oidc.authorize_redirect(
            request, request.build_absolute_uri(reverse("identity_callback"))
        )
    except oidc.LoginFailed as failed:
        return _login_failed(request, failed.reason)


@never_cache
@require_GET
def callback(request):
    """Back from the provider: the code exchanged and the ID token checked, the citizen
    logged in; every failure a page saying why, and no login."""
    _return_language(request)
    if not _configured():
        return _login_failed(request, oidc.UNAVAILABLE)
    try:
        claims = oidc.authorize_callback(request)
        code, name = oidc.identity_of(claims)
        citizen = identity.citizen_identify(identity_code=code, name=name)
    except oidc.LoginFailed as failed:
        return _login_failed(request, failed.reason)
    except ValidationError:
        return _login_failed(request, oidc.REFUSED)
    identity.login(request, citizen)
    return redirect("my")


@never_cache
@require_POST
def logout(request):
    """Logged out here, then at the provider (with our client_id), which sends the
    citizen back to ``logged_out``."""
    identity.logout(request)
    request.session[LANGUAGE_KEY] = translation.get_language()
    if _configured():
        url = oidc.logout_url(request.build_absolute_uri(reverse("identity_logged_out")))
        if url:
            return redirect(url)
    return _logged_out(request)


@never_cache
@require_GET
def logged_out(request):
    """Back from the provider's logout (a fixed URL, registered there)."""
    return _logged_out(request)


def _logged_out(request):
    _return_language(request)
    messages.success(request, _("You have logged out."))
    return redirect("my")


@never_cache
@require_http_methods(["GET", "POST"])
def call_code(request):
    """Order a one-time code for an identified call: shown once, in the answer to the
    POST (never stored, never in a URL)."""
    citizen = identity.current(request)
    if citizen is None:
        messages.info(request, _("Log in to order a code for an identified call."))
        return redirect("my")
    context = {"citizen": citizen, "minutes": callcodes.CODE_MINUTES}
    if request.method == "POST":
        try:
            code, row = callcodes.code_order(citizen=citizen)
        except ValidationError as error:
            context["errors"] = error.messages
        else:
            context.update(code=code, expires_at=row.expires_at)
    context["codes_left"] = callcodes.codes_left(citizen)
    return render(request, "citizens/call_code.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def my_phone(request):
    """An identified citizen proves a number with the SMS code: their page then lists
    the bookings and callback requests made with it without logging in."""
    citizen = identity.current(request)
    if citizen is None:
        return redirect("my")
    form = PhoneForm(request.POST or None)
    action = ActionForm(request.POST).chosen() if request.method == "POST" else ""
    if request.method == "POST" and action != ActionForm.EDIT and form.is_valid():
        phone = form.cleaned_data["phone"]
        proof = phone_proof(request, phone, action=action, identified_suffices=False)
        if proof.proven:
            identity.phone_add(citizen=citizen, phone=phone.as_e164)
            messages.success(
                request,
                _("The bookings made with %(phone)s are now on your page.")
                % {"phone": phone.as_national},
            )
            return redirect("my")
        return render(request, "citizens/my_phone_code.html", {"form": form, "proof": proof})
    if action == ActionForm.EDIT:
        form = PhoneForm(initial={"phone": request.POST.get("phone", "")})
    return render(request, "citizens/my_phone.html", {"form": form})
