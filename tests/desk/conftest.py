import pytest

from offices.models import Topic


@pytest.fixture
def topic(offices):
    return Topic.objects.order_by("ordering", "pk").first()
