import gc
import os

from django.core.wsgi import get_wsgi_application

from config.web import refuse_unsafe_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
refuse_unsafe_start()
application = get_wsgi_application()


def settle_heap() -> None:
    """Keep the garbage collector's passes short and rare in a web worker.

    What was loaded at start (modules, classes, settings: about 100,000
    objects that live as long as the process) is left out of every pass.
    A feed batch allocates thousands of containers that live for the request
    only; with the default thresholds they trigger a full pass every few
    batches, which walks the whole heap. Rarer young passes let them die
    first. Memory is freed by reference counting as before; only cyclic
    garbage waits longer.
    """
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


# Net new containers between young passes (default 700): above what one 1,000-fix request holds at once.
GC_YOUNG_THRESHOLD = 20_000
settle_heap()
