"""Open data: the callback windows offered right now (read-only)."""

import datetime

from ninja import Router, Schema

from offices import hours

from . import rules

router = Router(tags=["callbacks"])


class CallbackWindowOut(Schema):
    start: datetime.datetime
    end: datetime.datetime
    remaining: int


class CallbackDayOut(Schema):
    date: datetime.date
    windows: list[CallbackWindowOut]


class CallbackWindowsOut(Schema):
    days: list[CallbackDayOut]


@router.get(
    "/callbacks/windows", response=CallbackWindowsOut, summary="Callback windows offered now"
)
def callback_windows(request):
    """Exactly the windows the callback form offers at this instant: today (if a working
    day) and the next working day, windows that start at least the lead time from now
    and have places left. Times are local (Europe/Helsinki) with their UTC offset."""
    return {
        "days": [
            {
                "date": day.date,
                "windows": [
                    {
                        "start": hours.localtime(w.start),
                        "end": hours.localtime(w.end),
                        "remaining": w.remaining,
                    }
                    for w in day.windows
                ],
            }
            for day in rules.offered_windows()
        ]
    }
