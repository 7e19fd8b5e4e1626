from rest_framework.routers import DefaultRouter

from . import imports, views

router = DefaultRouter()
router.include_format_suffixes = False  # one URL per resource: no "/bans.json", no "/bans/1.api"
# Accept paths with and without the trailing slash: POST cannot be redirected.
router.trailing_slash = "/?"
router.register("persons", views.PersonViewSet, basename="person")
router.register("protected-persons", views.ProtectedPersonViewSet, basename="protected-person")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("bans", views.BanViewSet, basename="ban")
router.register("imports", imports.ImportBatchViewSet, basename="import")

urlpatterns = router.urls
