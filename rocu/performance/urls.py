from django.urls import path

from rocu.performance import views

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("definitions/", views.catalogue, name="catalogue"),
    path("national/", views.national, name="national"),
    path("national/export.<str:fmt>", views.national_export, name="national_export"),
    path("pcc-report.pdf", views.pcc_report, name="pcc_report"),
    path("public/", views.public, name="public"),
]
