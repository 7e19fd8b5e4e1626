from django.urls import path

from . import api

urlpatterns = [
    path("lookup", api.LookupView.as_view(), name="lookup"),
    path("lookup/bans/<int:pk>/protected-persons", api.BanProtectedPersonsView.as_view(), name="lookup-protected"),
    path("audit", api.AuditListView.as_view(), name="audit-list"),
]
