"""The system check refuses a police queue on the Redis database of the cache or the Celery broker."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from geofence.alerts.checks import check_police_queue_database, redis_database


@pytest.mark.parametrize(
    "name,url",
    [("CACHE_URL", "redis://:pw@redis:6379/1"), ("CELERY_BROKER_URL", "redis://:pw@redis:6379/0")],
)
def test_police_queue_on_the_database_of_the_cache_or_broker_is_refused(settings, name, url):
    settings.CACHE_URL, settings.CELERY_BROKER_URL = "redis://:pw@redis:6379/1", "redis://:pw@redis:6379/0"
    settings.POLICE_QUEUE_URL = url

    errors = check_police_queue_database()

    assert [e.id for e in errors] == ["alerts.E003"] and name in errors[0].msg
    with pytest.raises(SystemCheckError, match="alerts.E003"):
        call_command("check")


def test_separate_databases_or_another_broker_pass(settings):
    settings.CACHE_URL, settings.CELERY_BROKER_URL = "redis://:pw@redis:6379/1", "redis://:pw@redis:6379/0"
    for url in ("redis://:pw@redis:6379/2", "redis://:pw@other:6379/1", "amqp://u:p@dispatch:5672/banwatch"):
        settings.POLICE_QUEUE_URL = url
        assert check_police_queue_database() == []


def test_database_zero_is_the_default_of_a_url_without_one():
    assert redis_database("redis://redis") == redis_database("redis://redis:6379/0") == ("redis", 6379, 0)


def test_env_example_and_compose_put_the_queue_on_its_own_database():
    base = Path(django_settings.BASE_DIR)
    compose = (base / "docker-compose.yml").read_text()
    env = (base / ".env.example").read_text()

    def database(text: str, name: str) -> int:
        return int(re.search(rf"^\s*{name}[:=] ?redis://.*@redis:6379/(\d+)$", text, re.MULTILINE).group(1))

    numbers = [
        database(compose, "CELERY_BROKER_URL"),
        database(compose, "CACHE_URL"),
        database(env, "POLICE_QUEUE_URL"),
    ]
    assert len(set(numbers)) == 3, numbers
