from rest_framework.routers import SimpleRouter

from .api import VictimNoticeViewSet

# "/?": the paths have no trailing slash; DRF's default has one. Both work.
router = SimpleRouter()
router.trailing_slash = "/?"
router.register("letters", VictimNoticeViewSet, basename="letters")

urlpatterns = router.urls
