"""Small admin building blocks shared by the apps' admins."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters

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
