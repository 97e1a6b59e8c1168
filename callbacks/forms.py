"""User input for callbacks. The rules in ``callbacks.rules`` decide; these forms ask them.

``CallbackForm`` stores the request in ``clean()``: ``callback_create`` checks every
rule under the database lock and either stores the request or raises the field errors,
so a race lost to another citizen is shown like any other error. The public view and
the admin's add view use this same form.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from offices import hours
from offices.models import Topic
from offices.phone import FinnishPhoneNumberField

from . import rules
from .models import MESSAGE_MAX_LENGTH, CallbackAttempt, CallbackRequest


class ErrorSummaryMixin:
    def error_items(self):
        """(anchor, label, message) for the error summary; radios link to their first."""
        items = [("", "", error) for error in self.non_field_errors()]
        for field in self:
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = next((radio.id_for_label for radio in field), field.auto_id)
            items.extend((anchor, field.label, error) for error in field.errors)
        return items


class CallbackForm(ErrorSummaryMixin, forms.ModelForm):
    window = forms.ChoiceField(
        label=_("Time of the call"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a time for the call."),
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
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choose a topic."),
            "invalid_choice": _("Choose a topic."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the call"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a language."),
            "invalid_choice": _("Choose a language."),
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

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now
        self.offered = rules.offered_windows(now)
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

    def window_days(self):
        """[(day label, [radio, ...]), ...] for rendering the windows day by day."""
        radios = iter(self["window"])
        return [
            (label, [next(radios) for _ in choices])
            for label, choices in self.fields["window"].choices
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.instance = rules.callback_create(
                phone=cleaned["phone"],
                window_start=cleaned["window"],
                topic=cleaned["topic"],
                language=cleaned["language"],
                message=cleaned.get("message", ""),
                now=self.now,
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def save(self, commit=True):
        # callback_create stored the request in clean(); there are no many-to-many fields.
        self.save_m2m = lambda: None
        return self.instance


class AttemptForm(ErrorSummaryMixin, forms.Form):
    """The result of one call; records it through ``callback_record_attempt``."""

    DONE, RETRY, CLOSE = "done", "retry", "close"

    result = forms.ChoiceField(
        label=_("Result of the call"),
        widget=forms.RadioSelect,
        choices=[
            (DONE, _("Reached: done")),
            (RETRY, _("No answer: try again within the window")),
            (CLOSE, _("No answer: close as not reached")),
        ],
        error_messages={"required": _("Choose the result of the call.")},
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

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        result = cleaned["result"]
        try:
            self.callback = rules.callback_record_attempt(
                request=self.callback,
                user=self.user,
                outcome=(
                    CallbackAttempt.Outcome.DONE
                    if result == self.DONE
                    else CallbackAttempt.Outcome.NO_ANSWER
                ),
                note=cleaned.get("note", ""),
                retry=result == self.RETRY,
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned
