"""Service statistics of an office or the phone service, per day of a week:
/staff/<office>/statistics/?day=YYYY-MM-DD (the week of that day), as a page with a
chart and a table, or as CSV for spreadsheets (``?format=csv``)."""

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from appointments.models import Appointment
from appointments.roles import visible_office
from desk.models import OralApplication, Visit
from offices import hours
from offices.forms import LocalDateField
from offices.spreadsheets import csv_response

from . import figures

CHART_HEIGHT = 160
BAR_WIDTH = 28
DAY_WIDTH = 96


class WeekForm(forms.Form):
    day = LocalDateField(required=False)
    format = forms.ChoiceField(choices=[("html", "html"), ("csv", "csv")], required=False)


def _percent(value):
    """33.3 % / 33,3 % in the active language's style."""
    return "–" if value is None else f"{formats.number_format(value, 1)} %"


def _minutes(value):
    return "–" if value is None else f"{formats.number_format(value, 0)} min"


def rows(days, whole):
    """(label, [value per day], week value) of the table, in reading order."""

    def line(label, get, show=str):
        return (label, [show(get(day)) for day in days], show(get(whole)))

    table = [
        line(_("Appointments"), lambda d: d.appointments),
        *[
            line(f"– {source.label}", lambda d, s=source.value: d.booked[s])
            for source in Appointment.Source
        ],
        line(_("Arrived"), lambda d: d.arrived),
        line(_("No-show"), lambda d: d.no_show),
    ]
    if any(day.callbacks for day in days):
        table += [
            line(_("Callback requests"), lambda d: d.callbacks),
            line(_("Called within the window"), lambda d: d.in_time_percent, _percent),
            line(_("Overdue now"), lambda d: d.callbacks_overdue),
        ]
    if any(day.visit_count or day.waits for day in days):
        table += [
            line(_("Desk visits"), lambda d: d.visit_count),
            *[
                line(f"– {outcome.label}", lambda d, o=outcome.value: d.visits[o])
                for outcome in Visit.Outcome
            ],
            line(_("Median wait"), lambda d: d.median_wait, _minutes),
        ]
    table += [
        line(_("Oral applications"), lambda d: d.oral_count),
        *[
            line(f"– {channel.label}", lambda d, c=channel.value: d.oral[c])
            for channel in OralApplication.Channel
        ],
    ]
    return table


SERIES = [
    ("appointments", gettext_lazy("Appointments"), lambda d: d.appointments),
    ("callbacks", gettext_lazy("Callback requests"), lambda d: d.callbacks),
    ("visits", gettext_lazy("Desk visits"), lambda d: d.visit_count),
]


def chart(days):
    """Bars of the day's customers per channel, drawn on the server (SVG): a picture
    where a person would rather look than read, with the numbers in the table."""
    peak = max([get(day) for day in days for _, _, get in SERIES] + [1])
    bars = []
    for n, day in enumerate(days):
        for k, (css, label, get) in enumerate(SERIES):
            value = get(day)
            height = round(CHART_HEIGHT * value / peak)
            bars.append(
                {
                    "x": n * DAY_WIDTH + 8 + k * BAR_WIDTH,
                    "y": CHART_HEIGHT - height,
                    "height": height,
                    "css": css,
                    "title": f"{hours.format_date(day.day)}: {label} {value}",
                }
            )
    labels = [
        {"x": n * DAY_WIDTH + DAY_WIDTH // 2, "text": hours.format_date(day.day).split(" ")[0]}
        for n, day in enumerate(days)
    ]
    return {
        "bars": bars,
        "labels": labels,
        "width": DAY_WIDTH * len(days),
        "height": CHART_HEIGHT + 24,
        "base": CHART_HEIGHT,
        "legend": [(css, label) for css, label, _ in SERIES],
    }


@login_required
@require_GET
def statistics(request, office):
    office = visible_office(request.user, office)
    form = WeekForm(request.GET)
    form.is_valid()
    day = form.cleaned_data.get("day") or hours.localdate()
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    days = figures.office_figures(office, monday, sunday)
    whole = figures.total(days)
    table = rows(days, whole)
    if form.cleaned_data.get("format") == "csv":
        response, writer = csv_response(
            f"statistics-{office.slug}-{monday.isoformat()}.csv",
            ["", *[d.day.isoformat() for d in days], _("Week")],
        )
        for label, values, week in table:
            writer.writerow([label, *values, week])
        return response
    context = {
        "office": office,
        "monday": monday,
        "sunday": sunday,
        "days": days,
        "table": table,
        "chart": chart(days),
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
    }
    return render(request, "reports/statistics.html", context)
