from django.urls import path

from rocu.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job-retry"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
