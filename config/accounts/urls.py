from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("two-factor/", views.second_factor, name="two-factor"),
    path("two-factor/recovery-codes/", views.new_recovery_codes, name="recovery-codes"),
]
