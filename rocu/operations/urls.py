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
    path("<int:pk>/plan/", views.plan_link, name="plan-link"),
    path("<int:pk>/actions/", views.action_add, name="action-add"),
    path("actions/<int:pk>/status/", views.action_status, name="action-status"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan-create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/objectives/", views.plan_objective_add, name="plan-objective-add"),
    path("plans/<int:pk>/actions/", views.plan_action_add, name="plan-action-add"),
    path("plans/objectives/<int:pk>/edit/", views.plan_objective_edit, name="plan-objective-edit"),
    path("plans/actions/<int:pk>/edit/", views.plan_action_edit, name="plan-action-edit"),
    path("plans/actions/<int:pk>/status/", views.plan_action_status, name="plan-action-status"),
    path("balance/threat/<int:pk>/", views.threat_balance, name="threat-balance"),
    path("joint-working/", views.compliance, name="compliance"),
]
