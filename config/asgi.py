import os

from django.core.asgi import get_asgi_application

from config.web import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_start()
application = get_asgi_application()
