"""Phone-service staff's callback queue at /staff/callbacks/: the open requests by due
time, taking one, recording calls, and the daily summary. Writes go through the rules
(``callbacks.rules``), inputs through forms."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.records import access_record
from offices import hours

from .. import rules
from ..forms import AttemptForm, SummaryDayForm
from ..models import CallbackRequest

staff_view = permission_required("callbacks.view_callbackrequest", raise_exception=True)
staff_action = permission_required("callbacks.change_callbackrequest", raise_exception=True)


QUEUE_PAGE_SIZE = 50


@login_required
@staff_view
def queue(request):
    now = timezone.now()
    open_requests = CallbackRequest.objects.open()
    counts = open_requests.aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(window_end__lt=now))
    )
    paginator = Paginator(
        open_requests.select_related("topic", "handled_by", "citizen").by_due_time(),
        QUEUE_PAGE_SIZE,
    )
    # The count is known: the paginator need not ask the database again.
    paginator.count = counts["total"]
    page = paginator.get_page(request.GET.get("page"))
    access_record(request, page.object_list)
    for callback in page:
        callback.overdue = callback.is_overdue(now)
    context = {
        "page": page,
        "requests": page.object_list,
        "open_count": counts["total"],
        "overdue_count": counts["overdue"],
        "load": rules.queue_load(now),
        "today": hours.localdate(now),
        "now": now,
    }
    return render(request, "callbacks/staff/queue.html", context)


@login_required
@staff_action
def take(request, pk):
    callback = get_object_or_404(CallbackRequest, pk=pk)
    if request.method != "POST":
        return redirect("callback_queue:detail", pk=callback.pk)
    try:
        rules.callback_take(callback=callback, user=request.user)
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
        and callback.status == CallbackRequest.Status.IN_PROGRESS
        and callback.handled_by_id == request.user.pk
    )
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = AttemptForm(request.POST, callback=callback, user=request.user)
        if form.is_valid() and (recorded := form.save()) is not None:
            messages.success(request, _("The call was recorded."))
            if recorded.is_open:
                return redirect("callback_queue:detail", pk=callback.pk)
            return redirect("callback_queue:queue")
    else:
        form = AttemptForm(callback=callback, user=request.user)
    access_record(request, [callback])
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
    day = today
    if "date" in request.GET:
        form = SummaryDayForm(request.GET)
        if form.is_valid():
            day = form.cleaned_data["date"]
        else:
            messages.warning(
                request,
                _("That is not a date we can show (use YYYY-MM-DD). Showing today instead."),
            )
    context = {
        "day": day,
        "summary": rules.callbacks_summary(day),
        "previous": day - datetime.timedelta(days=1),
        "next": day + datetime.timedelta(days=1),
        "today": today,
    }
    return render(request, "callbacks/staff/summary.html", context)
