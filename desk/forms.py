"""The desk's forms: register a walk-in customer, end a visit. Each writes through
its rule (``offices.forms.RuleWriteMixin``)."""

from urllib.parse import urlencode

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from appointments import roles as appointment_roles
from appointments.models import Slot
from callbacks.models import CallbackRequest
from offices.forms import IdChoiceField, RuleWriteMixin
from offices.models import Office, Topic

from . import rules
from .models import OralApplication, Visit


class RegisterForm(RuleWriteMixin, forms.ModelForm):
    topic = IdChoiceField(Topic.objects.active(), label=_("Topic"))

    class Meta:
        model = Visit
        fields = ["topic", "name"]

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office

    def write(self):
        return rules.visit_register(office=self.office, **self.cleaned_data)


class FinishForm(RuleWriteMixin, forms.Form):
    """The outcome of a visit; an oral application needs its benefit area and case
    reference."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Visit.Outcome.choices)
    topic = IdChoiceField(Topic.objects.active(), label=_("Benefit area"), required=False)
    case_reference = forms.CharField(
        label=OralApplication._meta.get_field("case_reference").verbose_name.capitalize(),
        help_text=OralApplication._meta.get_field("case_reference").help_text,
        max_length=50,
        required=False,
        validators=OralApplication._meta.get_field("case_reference").validators,
    )

    def __init__(self, *args, visit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Visit.Outcome.ORAL_APPLICATION:
            for field in ("topic", "case_reference"):
                if not data.get(field):
                    self.add_error(
                        field,
                        forms.ValidationError(
                            _("Needed for an oral application."), code="required"
                        ),
                    )
        return data

    def write(self):
        data = self.cleaned_data
        oral = None
        if data["outcome"] == Visit.Outcome.ORAL_APPLICATION:
            oral = {"topic": data["topic"], "case_reference": data["case_reference"]}
        return rules.visit_finish(
            self.visit, outcome=data["outcome"], user=self.user, oral_application=oral
        )


class StartForm(forms.Form):
    """What the staff booking screen starts from (its GET parameters): what was typed
    in the finder, an office, the chosen time, and the callback request or desk visit
    the booking is for. A bad value is an error of that field only: the screen drops it."""

    q = forms.CharField(label=_("When or where"), max_length=100, required=False)
    office = IdChoiceField(Office.objects.none(), label=_("Office"), required=False)
    slot = IdChoiceField(Slot.objects.all(), required=False, widget=forms.HiddenInput)
    callback = IdChoiceField(
        CallbackRequest.objects.select_related("topic"), required=False, widget=forms.HiddenInput
    )
    visit = IdChoiceField(
        Visit.objects.select_related("topic"), required=False, widget=forms.HiddenInput
    )
    next = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a visit this user is serving (or served) at a desk starts a booking; it
        # opens every office to them (``booking_offices``), so it is read first.
        self.fields["visit"].queryset = Visit.objects.filter(served_by=user).select_related("topic")
        try:
            directing = self.fields["visit"].clean(self.data.get("visit")) is not None
        except forms.ValidationError:
            directing = False
        self.offices = appointment_roles.booking_offices(user, directing=directing)
        self.fields["office"].queryset = self.offices
        self.fields["office"].empty_label = _("All")
        self.fields["slot"].queryset = Slot.objects.filter(office__in=self.offices).select_related(
            "office"
        )
        # A callback request shows its number: only to those who may see the queue.
        if not user.has_perm("callbacks.view_callbackrequest"):
            self.fields["callback"].queryset = CallbackRequest.objects.none()

    @property
    def for_callback(self):
        """The callback request this booking is for, if any."""
        return self.cleaned_data.get("callback")

    @property
    def for_visit(self):
        """The desk visit this booking is for, if any."""
        return self.cleaned_data.get("visit")

    def prefill(self):
        """The details the customer already gave (to the callback request, at the desk)."""
        if self.for_callback is not None:
            return {
                "phone": self.for_callback.phone,
                "topic": self.for_callback.topic,
                "language": self.for_callback.language,
            }
        if self.for_visit is not None:
            return {"name": self.for_visit.name, "topic": self.for_visit.topic}
        return {}

    def next_url(self, request):
        """Back where the work started (the callback request, the desk) when that is on
        this site, else this page again."""
        target = self.cleaned_data.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return target
        return request.path

    def carried(self):
        """The query string that keeps the start (not the chosen time) across links."""
        keep = {
            name: value
            for name in ("q", "office", "callback", "visit", "next")
            if (value := self.data.get(name)) and name not in self.errors
        }
        return urlencode(keep)
