from django.urls import path

from rocu.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspections/<int:pk>/findings/", views.finding_add, name="finding-add"),
    path("inspections/<int:pk>/track/", views.track_network, name="track-network"),
    path("inspections/<int:pk>/respond/", views.respond, name="respond"),
    path("upload/", views.upload, name="upload-create"),
    path("upload/<int:pk>/", views.upload_review, name="upload"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/progress/", views.recommendation_progress, name="recommendation-progress"),
    path("recommendations/<int:pk>/outcome/", views.recommendation_outcome, name="recommendation-outcome"),
    path("recommendations/<int:pk>/evidence/", views.recommendation_evidence, name="recommendation-evidence"),
    path("recommendations/<int:pk>/closure/", views.recommendation_closure, name="recommendation-closure"),
    path("recommendations/<int:pk>/decision/", views.recommendation_decision, name="recommendation-decision"),
    path("recommendations/<int:pk>/assign/", views.recommendation_assign, name="recommendation-assign"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("responses/", views.responses, name="responses"),
    path("responses/<int:pk>/", views.response, name="response"),
    path("responses/<int:pk>/chief-constable/", views.response_cc, name="response-cc"),
    path("responses/<int:pk>/pcc/", views.response_pcc, name="response-pcc"),
    path("responses/<int:pk>/position/", views.response_position, name="response-position"),
    path("responses/<int:pk>/publish/", views.response_publish, name="response-publish"),
    path("public/<slug:slug>/", views.public_response, name="public-response"),
    path("public/<slug:slug>/pdf/", views.public_response_pdf, name="public-response-pdf"),
    path("oversight/", views.oversight, name="oversight"),
    path("accountable/", views.accountable, name="accountable"),
    path("measures/", views.measures, name="measures"),
    path("measures/<int:pk>/", views.measure, name="measure"),
    path("good-practice/", views.practices, name="practices"),
    path("good-practice/<int:pk>/", views.practice, name="practice"),
]
