from django.urls import path

from rocu.workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("cliff-edge/", views.cliff_edge, name="cliff-edge"),
    path("cliff-edge.csv", views.cliff_edge_export, name="cliff-edge-export"),
    path("timeline/", views.timeline, name="timeline"),
    path("regions/", views.compare_regions, name="compare"),
    path("capabilities/", views.capabilities, name="capabilities"),
    path("funding/", views.funding_lines, name="funding-lines"),
    path("funding/<int:pk>/", views.funding_line, name="funding-line"),
    path("posts/", views.posts, name="posts"),
    path("posts/new/", views.post_create, name="post-create"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("scenarios/", views.scenarios, name="scenarios"),
    path("scenarios/new/", views.scenario_create, name="scenario-create"),
    path("scenarios/compare/", views.scenario_compare, name="scenario-compare"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario-delete"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
]
