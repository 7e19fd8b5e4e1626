from django.urls import path

from .api import EventsFeedView, PositionsFeedView

urlpatterns = [
    path("feeds/positions", PositionsFeedView.as_view(), name="feed-positions"),
    path("feeds/events", EventsFeedView.as_view(), name="feed-events"),
]
