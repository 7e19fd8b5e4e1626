import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Leave what was loaded at start (modules, classes, settings: about 100,000 objects that live as long as the
# process) out of the garbage collector's full passes, which otherwise walk all of it every few seconds under load.
gc.freeze()
