from rest_framework.routers import SimpleRouter

from .api import ViolationReportViewSet

router = SimpleRouter()
router.trailing_slash = "/?"
router.register("reports", ViolationReportViewSet, basename="reports")

urlpatterns = router.urls
