from django.urls import path

from . import mapviews, views

app_name = "monitor"

urlpatterns = [
    path("", views.board, name="board"),
    path("incidents/<int:pk>/", views.incident_page, name="incident"),
    path("devices/", views.devices, name="devices"),
    path("api/incidents/", views.board_data, name="api-incidents"),
    path("api/incidents/<int:pk>/", views.incident_data, name="api-incident"),
    # Before the actions' catch-all slug: GET …/replay/ is the replay, not an action.
    path("api/incidents/<int:pk>/replay/", mapviews.replay, name="api-incident-replay"),
    path("api/incidents/<int:pk>/<slug:action>/", views.incident_action, name="api-incident-action"),
    path("api/devices/", views.devices_data, name="api-devices"),
    path("map/", mapviews.overview_page, name="map"),
    path("api/map/", mapviews.overview_data, name="api-map"),
]
