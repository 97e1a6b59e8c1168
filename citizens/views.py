"""The code step of a citizen's booking or callback request, shared by both flows.

``phone_proof`` is called by the view that would store the booking or request: it
answers whether the number is proven in this browser session, and otherwise handles the
step (send a code, check the typed one, send a new one) and gives the context for the
caller's template, which draws ``citizens/includes/code_step.html``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from . import rules
from .forms import CodeForm

PROVE, RESEND = "prove", "resend"


@dataclass
class Proof:
    proven: bool
    form: CodeForm | None = None
    notes: list = field(default_factory=list)  # what the page says about the code
    errors: list = field(default_factory=list)  # why no code could be sent


def phone_proof(request, phone, *, action):
    """Is ``phone`` proven here? If not, handle the code step for the POSTed ``action``
    (PROVE: check the typed code; RESEND: send another; else: this is the first time,
    send one) and return what the step page needs."""
    session = request.session
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
