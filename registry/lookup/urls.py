from django.urls import path

from . import views

urlpatterns = [
    path("lookup", views.LookupView.as_view(), name="lookup"),
    path("lookup/bans/<int:pk>/protected-persons", views.BanProtectedPersonsView.as_view(), name="lookup-protected"),
    path("audit", views.AuditListView.as_view(), name="audit-list"),
]
