"""A callback request made for a customer at the desk (or by staff on their own):
/staff/callback/. The same form and rule as everywhere (``StaffCallbackForm``,
``callback_create``): the phone service's windows, one open request per number."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from callbacks.forms import StaffCallbackForm

from . import roles
from .forms import StartForm


def may_request(user):
    return user.has_perm(roles.DESK_PERMISSION) or user.has_perm("callbacks.add_callbackrequest")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_callback(request):
    if not may_request(request.user):
        raise PermissionDenied
    start = StartForm(request.GET, user=request.user)
    start.is_valid()
    visit = start.for_visit
    initial = {"topic": visit.topic} if visit else {}
    form = StaffCallbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and (callback := form.save()):
        messages.success(
            request,
            _("Callback request %(reference)s made for %(phone)s.")
            % {"reference": callback.reference, "phone": callback.phone.as_national},
        )
        return redirect(start.next_url(request))
    context = {"form": form, "visit": visit, "query": request.GET.urlencode()}
    return render(request, "desk/callback.html", context)
