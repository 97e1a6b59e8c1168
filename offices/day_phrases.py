"""The days staff mean when they type a day into a slot search: "3.12", "ti",
"huomenna", "nästa vecka", "tomorrow", in Finnish, Swedish or English.

``find_days(text, today)`` takes the day phrases out of a search text and returns the
candidate day spans in order of preference, with the words left over (an office name,
a time). The caller takes the first candidate that has free times:

- a date (``3.12``, ``3.12.``, ``3.12.2026``, ``2026-12-03``): that day; without a year
  the next such date from today (today included);
- a weekday (``ti``, ``tiistai``, ``tiistaina``, ``tis``, ``tue``): today while it is
  that weekday (if it still has free times), else the next such day;
- ``tänään`` / ``idag`` / ``today``, ``huomenna`` / ``i morgon`` / ``tomorrow``,
  ``ylihuomenna`` / ``i övermorgon`` / ``day after tomorrow``;
- ``ensi viikko`` / ``nästa vecka`` / ``next week``: Monday to Friday of next week;
  ``tällä viikolla`` / ``denna vecka`` / ``this week``: today to Friday.

A bare ``3.12`` is a date, not 03:12: times are written with a colon, or are not a
valid date (``12.30``).
"""

import datetime
import re
from dataclasses import dataclass

from . import hours

_DATE_FI = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{4})?)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

# Weekday words (0 = Monday) in Finnish, Swedish and English, full and short.
WEEKDAYS = {
    word: number
    for number, words in enumerate(
        [
            "maanantai ma måndag mån monday mon",
            "tiistai ti tisdag tis tuesday tue tues",
            "keskiviikko ke onsdag ons wednesday wed",
            "torstai to torsdag tors tor thursday thu thur thurs",
            "perjantai pe fredag fre friday fri",
            "lauantai la lördag lör saturday sat",
            "sunnuntai su söndag sön sunday sun",
        ]
    )
    for word in words.split()
}
# Days from today.
RELATIVE = {
    "tänään": 0,
    "idag": 0,
    "i dag": 0,
    "today": 0,
    "huomenna": 1,
    "huomiseksi": 1,
    "imorgon": 1,
    "i morgon": 1,
    "tomorrow": 1,
    "ylihuomenna": 2,
    "i övermorgon": 2,
    "iövermorgon": 2,
    "day after tomorrow": 2,
}
NEXT_WEEK = ("ensi viikolla", "ensi viikko", "ensi viikon", "nästa vecka", "next week")
THIS_WEEK = ("tällä viikolla", "tämä viikko", "denna vecka", "den här veckan", "this week")
# Longest first, so that "day after tomorrow" is not read as "tomorrow".
_PHRASES = sorted([*RELATIVE, *NEXT_WEEK, *THIS_WEEK], key=len, reverse=True)


@dataclass(frozen=True)
class DaySpan:
    first: datetime.date
    last: datetime.date

    @classmethod
    def day(cls, day):
        return cls(day, day)


def parse_date(word, today):
    """ "3.12" / "3.12." / "3.12.2026" / "2026-12-03" -> a date (without a year the next
    such date from today), else None; also None outside the time engine's years."""
    try:
        if match := _DATE_ISO.match(word):
            found = datetime.date(*map(int, match.groups()))
        elif match := _DATE_FI.match(word):
            day, month, year = match.groups()
            if year:
                found = datetime.date(int(year), int(month), int(day))
            else:
                found = datetime.date(today.year, int(month), int(day))
                if found < today:
                    found = datetime.date(today.year + 1, int(month), int(day))
        else:
            return None
    except ValueError:  # 31.2., 12.30 (a time), 29.2. in the wrong year
        return None
    return found if hours.MIN_YEAR <= found.year <= hours.MAX_YEAR else None


def _weekday(word):
    # Finnish essive: "tiistaina", "maanantaina".
    if word not in WEEKDAYS and word.endswith("na") and word[:-2] in WEEKDAYS:
        word = word[:-2]
    return WEEKDAYS.get(word)


def _weekday_spans(weekday, today):
    ahead = (weekday - today.weekday()) % 7
    upcoming = DaySpan.day(today + datetime.timedelta(days=ahead or 7))
    return [DaySpan.day(today), upcoming] if ahead == 0 else [upcoming]


def find_days(text, today):
    """(candidate DaySpans in order of preference, or [] when ``text`` names no day;
    the other words of ``text``). The last day phrase in the text wins."""
    text = " ".join(text.lower().split())
    spans = []
    for phrase in _PHRASES:
        pattern = rf"(?<!\S){re.escape(phrase)}(?!\S)"
        if re.search(pattern, text):
            text = re.sub(pattern, " ", text)
            if phrase in RELATIVE:
                spans = [DaySpan.day(today + datetime.timedelta(days=RELATIVE[phrase]))]
            elif phrase in NEXT_WEEK:
                monday = today + datetime.timedelta(days=7 - today.weekday())
                spans = [DaySpan(monday, monday + datetime.timedelta(days=4))]
            else:
                friday = today + datetime.timedelta(days=4 - today.weekday())
                spans = [DaySpan(today, max(today, friday))]
    rest = []
    for word in text.split():
        if day := parse_date(word, today):
            spans = [DaySpan.day(day)]
        elif (weekday := _weekday(word.rstrip("."))) is not None:
            spans = _weekday_spans(weekday, today)
        else:
            rest.append(word)
    return spans, rest
