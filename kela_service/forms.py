"""How every form is drawn: one set of templates (``templates/forms/``) for every form,
through Django's form renderer (``FORM_RENDERER``). ``{{ form.field.as_field_group }}``
draws a field with its label (a legend for choice lists), help text and errors, and
``includes/form_errors.html`` the error summary that links to each field."""

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


class SummaryLinkedBoundField(BoundField):
    @property
    def error_anchor(self):
        """The id the error summary links to: the input, a choice list's first choice,
        or what the widget names (the summary of a chosen time, for a hidden slot)."""
        if anchor := self.id_for_label:
            return anchor
        first = next(iter(self.subwidgets), None)
        return (first and first.id_for_label) or self.auto_id


class FormRenderer(TemplatesSetting):
    """Django's TemplatesSetting renderer (the project's templates/ folder is searched
    first) with the project's field template."""

    field_template_name = "forms/field.html"
    bound_field_class = SummaryLinkedBoundField
