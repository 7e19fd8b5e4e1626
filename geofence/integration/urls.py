from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
# Accept paths with and without the trailing slash: POST cannot be redirected.
router.trailing_slash = "/?"
router.include_root_view = False
router.include_format_suffixes = False  # one URL per resource: no "/incidents/1.json"
router.register("devices", api.DeviceViewSet, basename="device")
router.register("assignments", api.AssignmentViewSet, basename="assignment")
router.register("incidents", api.IncidentViewSet, basename="incident")

urlpatterns = router.urls
