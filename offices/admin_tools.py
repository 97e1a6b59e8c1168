"""Small admin building blocks shared by the apps' admins."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import hours


class DefaultChoiceFilter(admin.SimpleListFilter):
    """A list filter whose unfiltered state is ``default_value`` (the useful view, such
    as today and upcoming), shown as selected."""

    default_value = None

    def value(self):
        return super().value() or self.default_value

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class PlainCheckboxMixin:
    """The action column's checkbox written as HTML rather than through the form
    renderer: Django's markup, at a fraction of the cost (a widget template per row was a
    quarter of a 100-row list's time)."""

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks up the chosen value as it came: a slot "abc"
    in the add page's URL (``?slot=abc``) or in a tampered POST is a 500 while the page
    is drawn ("Field 'id' expected a number"). Draw only values the related field can
    read; the form field reports the others as an invalid choice."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._readable(v)], attr)

    def _readable(self, value):
        try:
            self.field.target_field.to_python(value)
        except ValidationError:
            return False
        return str(value).isascii()


class SafeAutocompleteMixin:
    """A ModelAdmin whose ``autocomplete_fields`` use ``SafeAutocompleteSelect``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SafeDateHierarchyMixin:
    """The date hierarchy's year, month and day come from the URL; outside the years
    ``offices.hours.parse_date`` accepts, Django's changelist overflows (a 500). Treat
    them as incorrect lookups: the admin then redirects with ``?e=1``."""

    def get_changelist_instance(self, request):
        if self.date_hierarchy:
            field = self.date_hierarchy
            year = request.GET.get(f"{field}__year")
            if year is not None:
                month = request.GET.get(f"{field}__month", "1")
                day = request.GET.get(f"{field}__day", "1")
                try:
                    iso = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
                except ValueError:
                    iso = ""
                if hours.parse_date(iso) is None:
                    raise IncorrectLookupParameters
        return super().get_changelist_instance(request)


class RuleFormAdminMixin:
    """The admin's one write point for forms that write through the rules
    (``offices.forms.RuleWriteMixin``).

    Django's change form saves right after ``is_valid()`` and has no way back to the
    page once the save fails. Here a POST is validated (``clean`` only), then written by
    ``form.save()`` (the rule); if the rule refuses at the last moment (a place taken
    meanwhile), the page is rendered again with the error on its field and everything
    typed kept. The rendering follows Django 5.2's ``ModelAdmin._changeform_view``;
    inlines are shown on the page as Django draws it, not again after a refusal (these
    admins have only read-only ones).
    """

    def _changeform_view(self, request, object_id, form_url, extra_context):
        if request.method != "POST" or "_saveasnew" in request.POST:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        add = object_id is None
        obj = None if add else self.get_object(request, unquote(object_id))
        allowed = (
            self.has_add_permission(request)
            if add
            else obj is not None and self.has_change_permission(request, obj)
        )
        if not allowed:  # Django answers: 403, or the "does not exist" redirect
            return super()._changeform_view(request, object_id, form_url, extra_context)
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(
            request, obj, change=not add, fields=flatten_fieldsets(fieldsets)
        )
        form = form_class(request.POST, request.FILES, instance=obj)
        if form.is_valid() and (saved := form.save()) is not None:
            message = self.construct_change_message(request, form, [], add)
            if add:
                self.log_addition(request, saved, message)
                return self.response_add(request, saved)
            self.log_change(request, saved, message)
            return self.response_change(request, saved)
        admin_form = helpers.AdminForm(
            form,
            list(fieldsets),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        title = _("Add %s") if add else _("Change %s")
        context = {
            **self.admin_site.each_context(request),
            "title": title % self.opts.verbose_name,
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(
            request, context, add=add, change=not add, obj=obj, form_url=form_url
        )
