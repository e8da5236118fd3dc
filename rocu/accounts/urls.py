from django.urls import path

from rocu.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", views.sign_out, name="sign-out"),
    path("accounts/two-factor/", views.two_factor, name="two-factor"),
    path("accounts/me/", views.my_account, name="me"),
    path("organisations/", views.organisations, name="organisations"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/roles/", views.person_roles, name="person-roles"),
    path("people/<int:pk>/accreditations/", views.person_accreditation, name="person-accreditation"),
    path(
        "people/<int:pk>/accreditations/<int:acc_pk>/remove/",
        views.person_accreditation_remove,
        name="person-accreditation-remove",
    ),
    path("people/<int:pk>/active/", views.person_active, name="person-active"),
    path("groups/", views.groups, name="groups"),
    path("groups/<int:pk>/", views.group, name="group"),
]
