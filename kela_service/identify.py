"""/staff/identify/: phone-service staff identify a caller by the call code the caller
ordered on their page and their birth date (``citizens.callcodes.caller_identify``),
and see the person's appointments and callback requests, with links to act on them.
Here, in the project, because it shows what the apps above ``citizens`` hold."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access.records import access_record
from citizens import callcodes
from citizens.forms import IdentifyForm

from .views import person_bookings


@never_cache
@login_required
@permission_required("citizens.identify_caller", raise_exception=True)
@require_http_methods(["GET", "POST"])
def identify(request):
    form = IdentifyForm(request.POST or None)
    context = {"form": form, "locked_until": callcodes.locked_until(request.user)}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            citizen = callcodes.caller_identify(
                user=request.user,
                code=form.cleaned_data["code"],
                birth_date=form.cleaned_data["birth_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)  # on the code field, or the whole form (locked)
            context["locked_until"] = callcodes.locked_until(request.user)
            status = 403 if context["locked_until"] else 200
        else:
            return _identified(request, citizen)
    return render(request, "staff/identify.html", context, status=status)


def _identified(request, citizen):
    appointments, callbacks = person_bookings(citizen)
    appointments = list(appointments.order_by("-slot__starts_at", "-pk"))
    callbacks = list(callbacks)
    access_record(request, appointments)
    access_record(request, callbacks)
    context = {
        "citizen": citizen,
        "appointments": appointments,
        "callbacks": callbacks,
    }
    return render(request, "staff/identified.html", context)
