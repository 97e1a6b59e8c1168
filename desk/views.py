"""The info-point desk at /staff/<office>/desk/: register walk-in customers, see the
queue with waiting times, call the next customer, record how each visit ended."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access.records import access_record
from appointments.roles import visible_office
from offices import hours
from offices.forms import IdChoiceField

from . import roles, rules
from .forms import FinishForm, RegisterForm
from .models import OralApplication, Visit

# The queue shows at most this many waiting customers (and says how many more).
QUEUE_LENGTH = 50


def _desk_office(request, slug):
    if not request.user.has_perm(roles.DESK_PERMISSION):
        raise PermissionDenied
    office = visible_office(request.user, slug)
    if not rules.has_desk(office):
        raise Http404(_("This office has no info point."))
    return office


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def desk(request, office):
    office = _desk_office(request, office)
    register = RegisterForm(office=office)
    finish = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "register":
            register = RegisterForm(request.POST, office=office)
            if register.is_valid() and register.save():
                messages.success(request, _("Customer added to the queue."))
                return redirect("desk:desk", office=office.slug)
        elif action == "call":
            try:
                visit = rules.visit_call_next(office=office, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("desk:desk", office=office.slug)
        elif action == "finish":
            visit = _own_visit(request, office)
            finish = FinishForm(request.POST, visit=visit, user=request.user)
            if finish.is_valid() and finish.save():
                messages.success(
                    request,
                    _("Visit ended: %(outcome)s.")
                    % {"outcome": Visit.Outcome(finish.cleaned_data["outcome"]).label},
                )
                return redirect("desk:desk", office=office.slug)
        else:
            raise Http404(_("No such action."))
    return _render(request, office, register, finish)


def _own_visit(request, office):
    """The visit this user is serving, named by the POSTed id."""
    field = IdChoiceField(Visit.objects.at(office).being_served().filter(served_by=request.user))
    try:
        return field.clean(request.POST.get("visit"))
    except ValidationError:
        raise Http404(_("No such visit.")) from None


def _render(request, office, register, finish):
    now = timezone.now()
    today = hours.localdate(now)
    waiting = Visit.objects.at(office).waiting().select_related("topic")
    queue = list(waiting.order_by("arrived_at", "pk")[:QUEUE_LENGTH])
    waiting_count = waiting.count()
    serving = (
        Visit.objects.at(office)
        .being_served()
        .filter(served_by=request.user)
        .select_related("topic")
        .order_by("called_at")
        .first()
    )
    if serving and (finish is None or finish.visit != serving):
        finish = FinishForm(visit=serving, user=request.user)
    access_record(request, office=office.slug, day=today)
    today_visits = Visit.objects.at(office).on_day(today)
    context = {
        "office": office,
        "closed": rules.desk_open(office, now),
        "register": register,
        "queue": [(visit, int(visit.waited(now).total_seconds() // 60)) for visit in queue],
        "waiting_count": waiting_count,
        "more_waiting": waiting_count - len(queue),
        "serving": serving,
        "finish": finish,
        "served_today": today_visits.filter(finished_at__isnull=False).count(),
        "oral_today": OralApplication.objects.filter(office=office, taken_on=today).count(),
        "refresh_seconds": 30,
    }
    return render(request, "desk/desk.html", context)
