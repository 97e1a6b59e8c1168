"""The desk's forms: register a walk-in customer, end a visit. Each writes through
its rule (``offices.forms.RuleWriteMixin``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from offices.forms import IdChoiceField, RuleWriteMixin
from offices.models import Topic

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
