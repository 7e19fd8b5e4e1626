from django.urls import path

from .api import EventsFeedView, PositionsFeedView
from .bridge_api import OsmAndView, TraccarEventsView, TraccarPositionsView

urlpatterns = [
    path("feeds/positions", PositionsFeedView.as_view(), name="feed-positions"),
    path("feeds/events", EventsFeedView.as_view(), name="feed-events"),
    path("bridges/traccar/positions", TraccarPositionsView.as_view(), name="bridge-traccar-positions"),
    path("bridges/traccar/events", TraccarEventsView.as_view(), name="bridge-traccar-events"),
    path("bridges/osmand", OsmAndView.as_view(), name="bridge-osmand"),
]
