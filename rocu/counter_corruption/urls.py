from django.urls import path

from rocu.counter_corruption import views

app_name = "counter_corruption"

urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/<int:pk>/withdraw/", views.declaration_withdraw, name="declaration-withdraw"),
    path("register/", views.register, name="register"),
    path("scan/", views.scan, name="scan"),
    path("team-access/", views.team_access, name="team-access"),
]
