import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kela_service.ratelimit import ratelimit_post
from offices import hours

from . import rules
from .formatting import describe_window
from .forms import AttemptForm, CallbackForm
from .models import CallbackRequest, Status

# --- Citizens ----------------------------------------------------------------------


@never_cache
@ratelimit_post("callbacks")
def request_callback(request):
    if request.method == "POST":
        form = CallbackForm(request.POST)
        if form.is_valid():
            callback = form.save()
            return redirect(callback)
    else:
        form = CallbackForm(initial={"language": (request.LANGUAGE_CODE or "fi")[:2]})
    return render(request, "callbacks/request_form.html", {"form": form})


def _own_callback(reference, secret):
    """The request whose private link this is; 404 for anything else."""
    callback = CallbackRequest.objects.filter(reference=reference).first()
    if (
        callback is None
        or not callback.secret
        or not secrets.compare_digest(callback.secret.encode(), secret.encode())
    ):
        raise Http404
    return callback


@never_cache
def callback_detail(request, reference, secret):
    callback = _own_callback(reference, secret)
    context = {
        "callback": callback,
        "window": describe_window(callback.window_start, callback.window_end),
    }
    return render(request, "callbacks/request_detail.html", context)


@never_cache
@require_POST
@ratelimit_post("callbacks")
def callback_cancel(request, reference, secret):
    callback = _own_callback(reference, secret)
    try:
        rules.callback_cancel(request=callback)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your callback request has been cancelled."))
    return redirect(callback)


# --- Phone-service staff -------------------------------------------------------------

staff_view = permission_required("callbacks.view_callbackrequest", raise_exception=True)
staff_action = permission_required("callbacks.change_callbackrequest", raise_exception=True)


@login_required
@staff_view
def queue(request):
    now = timezone.now()
    open_requests = list(
        CallbackRequest.objects.open().select_related("topic", "handled_by").by_due_time()
    )
    for callback in open_requests:
        callback.overdue = callback.is_overdue(now)
    context = {
        "requests": open_requests,
        "overdue_count": sum(c.overdue for c in open_requests),
        "load": rules.queue_load(now),
        "today": hours.localdate(now),
        "now": now,
    }
    return render(request, "callbacks/staff/queue.html", context)


@login_required
@staff_action
@require_POST
def take(request, pk):
    callback = get_object_or_404(CallbackRequest, pk=pk)
    try:
        rules.callback_take(request=callback, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("callback_queue:queue")
    messages.success(
        request, _("You took request %(reference)s.") % {"reference": callback.reference}
    )
    return redirect("callback_queue:detail", pk=callback.pk)


@login_required
@staff_view
def staff_detail(request, pk):
    callback = get_object_or_404(
        CallbackRequest.objects.select_related("topic", "handled_by"), pk=pk
    )
    may_change = request.user.has_perm("callbacks.change_callbackrequest")
    can_record = (
        may_change
        and callback.status == Status.IN_PROGRESS
        and callback.handled_by_id == request.user.pk
    )
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = AttemptForm(request.POST, callback=callback, user=request.user)
        if form.is_valid():
            messages.success(request, _("The call was recorded."))
            if form.callback.is_open:
                return redirect("callback_queue:detail", pk=callback.pk)
            return redirect("callback_queue:queue")
    else:
        form = AttemptForm(callback=callback, user=request.user)
    context = {
        "callback": callback,
        "attempts": callback.attempts.select_related("made_by"),
        "form": form,
        "can_record": can_record,
        "overdue": callback.is_overdue(),
    }
    return render(request, "callbacks/staff/detail.html", context)


@login_required
@staff_view
def summary(request):
    today = hours.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = today
    context = {
        "day": day,
        "summary": rules.callbacks_summary(day),
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "today": today,
    }
    return render(request, "callbacks/staff/summary.html", context)
