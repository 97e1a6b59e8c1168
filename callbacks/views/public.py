"""The citizen's side of callbacks: the request form, the private page of a request and
its cancellation. The private link (reference and a random token) is the secret."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from citizens import identity
from citizens.forms import ActionForm
from citizens.views import phone_proof
from offices.links import UnknownLink
from offices.models import Office
from offices.views import private_link

from .. import rules
from ..forms import CallbackForm, LostLinkForm
from ..models import CallbackRequest


@never_cache
@require_http_methods(["GET", "POST"])
def request_callback(request):
    """The form; then, for a number not proven in this session, the code step; then the
    request is stored and the citizen sees its page."""
    if request.method != "POST":
        form = CallbackForm(initial={"language": (request.LANGUAGE_CODE or "fi")[:2]})
        return render(request, "callbacks/request_form.html", {"form": form})
    form = CallbackForm(request.POST, identified=identity.current(request))
    action = ActionForm(request.POST).chosen()
    if action != ActionForm.EDIT and form.is_valid():
        proof = phone_proof(request, form.cleaned_data["phone"], action=action)
        if not proof.proven:
            return render(request, "callbacks/request_code.html", {"form": form, "proof": proof})
        if (callback := form.save()) is not None:
            return redirect(callback)
    return render(request, "callbacks/request_form.html", {"form": form})


def _own_callback(reference, token):
    """The request whose private link this is; for anything else ``UnknownLink`` (the
    friendly 404 of ``offices.views.private_link``)."""
    found = CallbackRequest.objects.select_related("topic").by_token(token[:64])
    callback = found.filter(reference=reference).first()
    if callback is None:
        raise UnknownLink
    return callback.opened_with(token)


@private_link
@never_cache
@require_http_methods(["GET", "HEAD"])
def callback_detail(request, reference, token):
    """The request's own page; while it waits for the call, the confirmation with a
    summary, what to have at hand and the way to cancel."""
    callback = _own_callback(reference, token)
    context = {"callback": callback, "phone_service": Office.objects.active().phone_service()}
    return render(request, "callbacks/request_detail.html", context)


@private_link
@never_cache
@require_http_methods(["GET", "POST"])
def callback_cancel(request, reference, token):
    """Cancel: the question once more (GET), then the POST cancels."""
    callback = _own_callback(reference, token)
    if request.method != "POST":
        if callback.status != CallbackRequest.Status.PENDING:
            # Taken by staff or closed: the request's page says what can be done.
            return redirect(callback)
        return render(request, "callbacks/request_cancel.html", {"callback": callback})
    try:
        rules.callback_cancel(callback=callback)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your callback request has been cancelled."))
    return redirect(callback)


@never_cache
@require_http_methods(["GET", "POST"])
def lost_link(request):
    """A lost link sent again: the number, its code step, then a new link by SMS to it
    (the old link stops working)."""
    form = LostLinkForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "callbacks/lost_link.html", {"form": form})
    phone = form.cleaned_data["phone"]
    action = ActionForm(request.POST).chosen()
    if action == ActionForm.EDIT:
        return render(request, "callbacks/lost_link.html", {"form": form})
    # The number itself must be proven, login or not: a new link stops the old one, and
    # a logged-in citizen may not do that to someone else's request.
    proof = phone_proof(request, phone, action=action, identified_suffices=False)
    if not proof.proven:
        context = {"form": form, "proof": proof}
        return render(request, "callbacks/lost_link_code.html", context)
    callback = rules.callback_link_renew(phone=phone)
    context = {"form": form, "phone": phone, "callback": callback, "sent": True}
    return render(request, "callbacks/lost_link.html", context)


@require_POST
def identified_cancel(request, reference):
    """An identified citizen cancels one of their own requests from their page (no
    private link needed: their login shows it is theirs)."""
    citizen = identity.current(request)
    callback = CallbackRequest.objects.filter(reference=reference[:32]).first()
    if citizen is None or callback is None:
        raise Http404
    number = callback.phone.as_e164 if callback.phone else ""
    if callback.citizen_id != citizen.pk and number not in identity.proven_phones(citizen):
        raise Http404
    try:
        rules.callback_cancel(callback=callback)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your callback request has been cancelled."))
    return redirect("my")
