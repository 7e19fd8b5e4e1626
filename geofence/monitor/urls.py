from django.urls import path

from . import centre_views, mapviews, views

app_name = "monitor"

urlpatterns = [
    path("", views.board, name="board"),
    path("incidents/<int:pk>/", views.incident_page, name="incident"),
    path("devices/", views.devices, name="devices"),
    path("overdracht/", centre_views.HandoverView.as_view(), name="handover"),
    path("statistiek/", centre_views.statistics_page, name="statistics"),
    path("statistiek/export.csv", centre_views.statistics_csv, name="statistics-csv"),
    path("api/incidents/", views.board_data, name="api-incidents"),
    path("api/incidents/<int:pk>/", views.incident_data, name="api-incident"),
    path("api/incidents/<int:pk>/casework/", centre_views.casework_data, name="api-casework"),
    path("api/incidents/<int:pk>/victim/reveal/", centre_views.victim_reveal, name="api-victim-reveal"),
    path("api/incidents/<int:pk>/victim/contacts/", centre_views.victim_contacts, name="api-victim-contacts"),
    path("api/incidents/<int:pk>/checklist/", centre_views.checklist_tick, name="api-checklist"),
    # Before the actions' catch-all slug: GET …/replay/ is the replay, not an action.
    path("api/incidents/<int:pk>/replay/", mapviews.replay, name="api-incident-replay"),
    path("api/incidents/<int:pk>/<slug:action>/", views.incident_action, name="api-incident-action"),
    path("api/devices/", views.devices_data, name="api-devices"),
    path("map/", mapviews.overview_page, name="map"),
    path("api/map/", mapviews.overview_data, name="api-map"),
]
