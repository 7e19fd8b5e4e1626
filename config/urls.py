from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from geofence.alerts.metrics_view import metrics_view
from registry.home import home, registrar_desk
from registry.lookup.pages import lookup_page

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("config.accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file: the page needs no inline script (config/csp.py).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    # The officer's lookup and the device feeds first: Django tries the patterns in order, and each
    # include tried before the right one costs the request a failed match (and an exception to collect).
    path("api/v1/", include("registry.lookup.urls")),
    path("api/v1/", include("geofence.feeds.urls")),
    path("api/v1/", include("registry.api.urls")),
    path("api/v1/", include("geofence.alerts.urls")),
    path("api/v1/", include("registry.letters.urls")),
    path("api/v1/", include("geofence.reports.urls")),
    path("api/v1/", include("geofence.integration.urls")),
    path("monitor/", include("geofence.monitor.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("politie/", lookup_page, name="lookup-page"),
    path("registratie/", registrar_desk, name="registrar-desk"),
    path("registratie/", include("registry.urls")),
]

handler404 = "config.errors.not_found"
handler403 = "config.errors.forbidden"
handler500 = "config.errors.server_error"
