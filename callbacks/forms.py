"""Every input of the callback pages goes through a form here; the rules in
``callbacks.rules`` decide and write.

``clean()`` validates the fields only; ``save()`` is the one write
(``offices.forms.RuleWriteMixin``): ``CallbackForm`` stores the request through
``callback_create``, which checks every rule under the database lock, so a race lost to
another citizen comes back as a field error with everything typed kept. The public view
and the admin's add view use this same form.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from citizens import rules as citizen_rules
from offices import hours
from offices.forms import ChoiceList, LocalDateField, RuleWriteMixin
from offices.models import Topic
from offices.phone import FinnishPhoneNumberField

from . import rules
from .models import MESSAGE_MAX_LENGTH, CallbackAttempt, CallbackRequest


class CallbackForm(RuleWriteMixin, forms.ModelForm):
    """A callback request as a citizen leaves it (their number must be one we can prove
    by a text message); ``StaffCallbackForm`` is the same for staff taking a call."""

    citizen = True

    window = forms.ChoiceField(
        label=_("Time of the call"),
        widget=ChoiceList(list_class="window-choices"),
        error_messages={
            "required": rules.error[rules.WINDOW_REQUIRED],
            "invalid_choice": _(
                "This time is not available any more. Please choose one of the times offered."
            ),
        },
    )
    phone = FinnishPhoneNumberField(
        label=_("Phone number"),
        error_messages={"required": _("Enter the phone number we should call.")},
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.active(),
        widget=ChoiceList,
        empty_label=None,
        error_messages={
            "required": rules.error[rules.TOPIC_REQUIRED],
            "invalid_choice": rules.error[rules.TOPIC_REQUIRED],
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the call"),
        choices=settings.LANGUAGES,
        widget=ChoiceList,
        error_messages={
            "required": rules.error[rules.LANGUAGE_REQUIRED],
            "invalid_choice": rules.error[rules.LANGUAGE_REQUIRED],
        },
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        help_text=_(
            "Briefly, what is the matter about? Do not write personal identity codes or "
            "health details."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = CallbackRequest
        fields = ["window", "phone", "topic", "language", "message"]

    def __init__(self, *args, now=None, identified=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        # The identified citizen leaving the request (citizens.identity.current), or None.
        self.identified = identified
        days = rules.callback_days(now)
        self.offered = rules.offered_windows(now, days=days)
        self.closures = [self.closure_note(day) for day in days.closed]
        self.fields["window"].choices = [
            (
                hours.format_date(day.date),
                [
                    (window.key, hours.format_time_range(window.start, window.end))
                    for window in day.windows
                ],
            )
            for day in self.offered
        ]
        self.fields["topic"].label_from_instance = lambda topic: topic.name

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if self.citizen and self.identified is None:
            citizen_rules.check_provable(phone)
        return phone

    @staticmethod
    def closure_note(day):
        """Why a working day is not offered: the phone service is closed then."""
        if day.exceptions:
            return _(
                "The phone service is closed on %(day)s (%(reason)s), so the next day it "
                "is open is offered."
            ) % {"day": hours.format_date(day.date), "reason": "; ".join(day.exceptions)}
        return _(
            "The phone service is closed on %(day)s, so the next day it is open is offered."
        ) % {"day": hours.format_date(day.date)}

    def write(self):
        data = self.cleaned_data
        return rules.callback_create(
            phone=data["phone"],
            window_start=data["window"],
            topic=data["topic"],
            language=data["language"],
            message=data.get("message", ""),
            now=self.now,
            citizen=self.identified,
        )


class StaffCallbackForm(CallbackForm):
    """Staff add a request for a caller (admin): no proof of the number by SMS."""

    citizen = False


class AttemptForm(RuleWriteMixin, forms.Form):
    """The result of one call; recorded through ``callback_record_attempt``."""

    DONE, RETRY, CLOSE = "done", "retry", "close"

    result = forms.ChoiceField(
        label=_("Result of the call"),
        widget=ChoiceList,
        choices=[
            (DONE, _("Reached: done")),
            (RETRY, _("No answer: try again within the window")),
            (CLOSE, _("No answer: close as not reached")),
        ],
        error_messages={"required": rules.error[rules.OUTCOME_REQUIRED]},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=CallbackAttempt._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, callback, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.callback = callback
        self.user = user

    def write(self):
        result = self.cleaned_data["result"]
        return rules.callback_record_attempt(
            callback=self.callback,
            user=self.user,
            outcome=(
                CallbackAttempt.Outcome.DONE
                if result == self.DONE
                else CallbackAttempt.Outcome.NO_ANSWER
            ),
            note=self.cleaned_data.get("note", ""),
            retry=result == self.RETRY,
        )


class SummaryDayForm(forms.Form):
    """The day of the staff's daily summary (?date=YYYY-MM-DD)."""

    date = LocalDateField()


class LostLinkForm(forms.Form):
    """A lost private link of a callback request: the number it was left with (proven
    by the code step before anything is sent)."""

    phone = FinnishPhoneNumberField(
        label=_("Phone number of the callback request"),
        error_messages={"required": _("Enter the phone number you gave in the callback request.")},
    )
