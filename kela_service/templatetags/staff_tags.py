from django import template

from offices.models import Office

register = template.Library()


@register.simple_tag
def own_offices(user):
    """The names of the offices ``user`` is assigned to (one query)."""
    if not user.is_authenticated:
        return []
    return list(Office.objects.filter(staff=user).values_list("name", flat=True))
