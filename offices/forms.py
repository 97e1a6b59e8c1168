import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from . import hours
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


class RuleWriteMixin:
    """The one pattern for writing through a form, in every app and in the admin.

    ``clean()`` validates only. ``save()`` is the one write: it calls ``write()``, which
    calls a rule (a function of the app's ``rules`` module, which locks and re-checks).
    When the rule refuses at the last moment (a place taken meanwhile), the error lands
    on the form as any other, ``save()`` returns None, and what was typed is kept.
    ``write_error_fields`` names the field a rule's plain error code belongs to.
    """

    write_error_fields = {}

    def write(self):
        raise NotImplementedError

    def save(self, commit=True):
        """Write through the rule and return the object, or None if the rule refused
        (``commit`` is ignored: the rules always save)."""
        if self.errors:
            raise ValueError("The form has errors; save() needs a valid form.")
        if getattr(self, "_written", None) is None:
            try:
                self._written = self.write()
            except ValidationError as error:
                self.add_rule_error(error)
                return None
        return self._written

    def save_m2m(self):
        """Nothing to do: the rules wrote everything (the admin calls this)."""

    def add_rule_error(self, error):
        """Show a rule's error on the field it concerns, or above the form."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return
        for item in error.error_list:
            field = self.write_error_fields.get(item.code)
            self.add_error(field if field in self.fields else None, item)


class LocalDateField(forms.DateField):
    """A date typed or sent as YYYY-MM-DD, in the years the time engine knows
    (``offices.hours.parse_date``)."""

    input_formats = ["%Y-%m-%d"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        day = hours.parse_date(str(value).strip())
        if day is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return day


class IdChoiceField(forms.ModelChoiceField):
    """A model choice by id that accepts only ASCII digits: Python's int() would read
    "١٢" (Arabic-Indic digits) as 12, so a tampered value could pick a real row.

    ``known``: rows this request has already read through a field with the same
    queryset (another form of the same POST), by id: chosen again without a query."""

    known = {}

    def to_python(self, value):
        if (
            value not in self.empty_values
            and self.to_field_name is None
            and not (str(value).isascii() and str(value).isdigit())
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if value not in self.empty_values and str(value) in self.known:
            return self.known[str(value)]
        return super().to_python(value)


class ChoiceList(forms.RadioSelect):
    """Radio buttons as a list (``templates/forms/widgets/choice_list.html``), each
    input followed by its label; ``list_class`` styles the list (a grid of days, ...)."""

    template_name = "forms/widgets/choice_list.html"

    def __init__(self, attrs=None, choices=(), *, list_class=""):
        super().__init__(attrs, choices)
        self.list_class = list_class

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["list_class"] = self.list_class
        return context


class Picker(forms.Form):
    """One step's choice as the citizen sees it: a choice list called ``name``, with the
    choices of earlier steps (``carried``) in hidden fields. The next step reads the
    answer back through its own input form; a picker only draws."""

    def __init__(
        self, name, *, label, choices, list_class="", carried=None, chosen=None, auto_id="id_%s"
    ):
        carried = carried or {}
        if chosen is None and len(choices) == 1:
            chosen = choices[0][0]
        super().__init__(initial={**carried, name: chosen}, auto_id=auto_id)
        for key in carried:
            self.fields[key] = forms.CharField(widget=forms.HiddenInput)
        self.fields[name] = forms.ChoiceField(
            label=label, choices=choices, widget=ChoiceList(list_class=list_class)
        )
        self.choice = self[name]
