from django.urls import path

from rocu.intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("", views.nominals, name="nominals"),
    path("new/", views.nominal_create, name="nominal-create"),
    path("<int:pk>/", views.nominal, name="nominal"),
    path("<int:pk>/edit/", views.nominal_edit, name="nominal-edit"),
    path("holdings/", views.holdings, name="holdings"),
    path("holdings/upload/", views.holdings_upload, name="holdings-upload-start"),
    path("holdings/upload/<int:pk>/", views.holdings_upload_result, name="holdings-upload"),
]
