import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

from config.heap import settle_heap
from config.web import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_start()
application = get_wsgi_application()
# Import every view and compile every route now, in every language: Django does it on the first reverse()
# in each language (it keeps a reverse table and a translation catalogue per language), which was each
# worker's first request (about 0.2 s of an officer's lookup). Loaded before settle_heap, so it is frozen too.
for language, _name in settings.LANGUAGES:
    with translation.override(language):
        get_resolver().reverse_dict  # noqa: B018 - read for its side effect

settle_heap()
