from django.urls import path

from rocu.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.operation_list, name="list"),
    path("open/", views.operation_open, name="open"),
    path("<int:pk>/", views.operation_detail, name="operation"),
    path("<int:pk>/decisions/", views.decision_add, name="decision-add"),
    path("<int:pk>/status/", views.status_change, name="status"),
    path("<int:pk>/team/", views.team_add, name="team-add"),
    path("<int:pk>/reviews/", views.review_add, name="review-add"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/actions/", views.plan_action_add, name="plan-action-add"),
    path("joint-working/", views.compliance, name="compliance"),
]
