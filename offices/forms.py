from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from .models import WeeklyRule


class WeeklyRuleFormSet(forms.BaseInlineFormSet):
    """Rejects overlapping rules of one service on one weekday within a period.

    Rules are edited together on their period's page, so the check runs over the
    rows as submitted: a rule moved from 9-12 to 13-15 next to a new 9-12 rule is
    no conflict, although the saved rows would say otherwise.
    """

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not form.is_valid() or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            key = (data["service"], data["weekday"])
            for opens, closes in seen.get(key, []):
                if data["opens"] < closes and opens < data["closes"]:
                    raise ValidationError(
                        _(
                            "Two rules for %(service)s on %(weekday)s overlap "
                            "(%(opens)s–%(closes)s)."
                        )
                        % {
                            "service": dict(WeeklyRule._meta.get_field("service").choices)[
                                data["service"]
                            ],
                            "weekday": dict(WeeklyRule._meta.get_field("weekday").choices)[
                                data["weekday"]
                            ],
                            "opens": formats.time_format(opens),
                            "closes": formats.time_format(closes),
                        },
                        code="overlap",
                    )
            seen.setdefault(key, []).append((data["opens"], data["closes"]))
