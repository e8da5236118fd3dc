from django.urls import path

from rocu.threats import views

app_name = "threats"

urlpatterns = [
    path("", views.picture, name="picture"),
    path("new/", views.threat_create, name="threat-create"),
    path("import/", views.threats_import, name="import"),
    path("mismatches/", views.mismatches, name="mismatches"),
    path("counts/", views.aggregates, name="aggregates"),
    path("<int:pk>/", views.threat, name="threat"),
    path("<int:pk>/edit/", views.threat_edit, name="threat-edit"),
    path("subjects/<int:pk>/score/", views.subject_score, name="score"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<int:pk>/", views.assessment, name="assessment"),
    path("ocgs/", views.ocgs, name="ocgs"),
    path("ocgs/new/", views.ocg_create, name="ocg-create"),
    path("ocgs/<int:pk>/", views.ocg, name="ocg"),
    path("ocgs/<int:pk>/edit/", views.ocg_edit, name="ocg-edit"),
    path("ocgs/<int:pk>/members/", views.ocg_member_add, name="ocg-member-add"),
    path("ocgs/<int:pk>/members/<int:member_pk>/remove/", views.ocg_member_remove, name="ocg-member-remove"),
    path("ocgs/<int:pk>/links/", views.ocg_link, name="ocg-link"),
    path("tcg/", views.meetings, name="meetings"),
    path("tcg/new/", views.meeting_create, name="meeting-create"),
    path("tcg/<int:pk>/", views.meeting, name="meeting"),
    path("tcg/<int:pk>/agenda.pdf", views.meeting_pdf, name="meeting-pdf"),
    path("tcg/<int:pk>/decisions/new/", views.decision_create, name="decision-create"),
    path("tcg/<int:pk>/actions/", views.action_create, name="action-create"),
    path("tcg/<int:pk>/actions/<int:action_pk>/", views.action_status, name="action-status"),
]
