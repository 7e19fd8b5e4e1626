import os

from django.core.wsgi import get_wsgi_application

from config.heap import settle_heap
from config.web import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_start()
application = get_wsgi_application()


settle_heap()
