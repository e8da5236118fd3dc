from django.urls import path

from rocu.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.outcome_list, name="list"),
    path("operation/<int:pk>/record/", views.outcome_add, name="record"),
    path("operation/<int:pk>/disruption/", views.disruption_claim, name="claim"),
    path("disruptions/", views.disruption_list, name="disruptions"),
    path("disruptions/<int:pk>/", views.disruption_detail, name="disruption"),
    path("summary/", views.summary, name="summary"),
]
