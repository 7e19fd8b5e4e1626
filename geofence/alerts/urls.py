from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import AlertViewSet, HealthView

router = SimpleRouter(trailing_slash="/?")
router.register("alerts", AlertViewSet, basename="alert")

urlpatterns = [
    path("health", HealthView.as_view(), name="health"),
    *router.urls,
]
