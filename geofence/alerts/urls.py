from django.urls import re_path
from rest_framework.routers import SimpleRouter

from .api import AlertViewSet, HealthView

router = SimpleRouter()
router.trailing_slash = "/?"  # the issue writes /alerts/{id}/ack; accept the Django-style slash too
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = [
    re_path(r"^health/?$", HealthView.as_view(), name="health"),
    *router.urls,
]
