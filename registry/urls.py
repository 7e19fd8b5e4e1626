"""The registry's pages under /registratie/."""

from django.urls import path

from . import import_pages

app_name = "registry"

urlpatterns = [
    path("import/", import_pages.import_jobs, name="import-jobs"),
    path("import/<int:pk>/", import_pages.import_job, name="import-job"),
    path("import/<int:pk>/voortgang", import_pages.import_job_progress, name="import-job-progress"),
]
