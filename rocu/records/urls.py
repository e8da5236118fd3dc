from django.urls import path

from rocu.records import views

app_name = "records"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/<int:pk>/", views.record, name="record"),
    path("subject-access/", views.subject_access_requests, name="sars"),
    path("subject-access/<int:pk>/", views.subject_access_request, name="sar"),
    path("subject-access/<int:pk>/export/", views.subject_access_export, name="sar-export"),
]
