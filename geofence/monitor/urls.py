from django.urls import path

from . import views

app_name = "monitor"

urlpatterns = [
    path("", views.board, name="board"),
    path("incidents/<int:pk>/", views.incident_page, name="incident"),
    path("devices/", views.devices, name="devices"),
    path("api/incidents/", views.board_data, name="api-incidents"),
    path("api/incidents/<int:pk>/", views.incident_data, name="api-incident"),
    path("api/incidents/<int:pk>/<slug:action>/", views.incident_action, name="api-incident-action"),
    path("api/devices/", views.devices_data, name="api-devices"),
]
