"""Django's admin app with banwatch's site (config.admin_site); apart from it, as an app module imports no models."""

from django.contrib.admin.apps import AdminConfig


class BanwatchAdminConfig(AdminConfig):
    default_site = "config.admin_site.BanwatchAdminSite"
