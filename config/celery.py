"""The Celery application; settings come from Django's CELERY_* settings."""

import os

from celery import Celery

from . import kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
kombu_redis.install()

app = Celery("banwatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
