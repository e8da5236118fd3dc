from django.urls import path

from rocu.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.referral_create, name="referral-create"),
    path("funnel/", views.funnel, name="funnel"),
    path("import/", views.import_start, name="import-start"),
    path("import/<int:pk>/", views.import_result, name="import"),
    path("import/<int:pk>/errors.csv", views.import_errors, name="import-errors"),
    path("templates/<str:template>.csv", views.template_download, name="template"),
    path("candidates/<int:pk>/decide/", views.candidate_decide, name="candidate-decide"),
    path("<int:pk>/", views.referral, name="referral"),
    path("<int:pk>/assign/", views.referral_assign, name="referral-assign"),
    path("<int:pk>/triage/", views.referral_triage, name="referral-triage"),
    path("<int:pk>/check/", views.referral_check, name="referral-check"),
]
