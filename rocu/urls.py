from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

handler400 = "rocu.core.views.error_400"
handler403 = "rocu.core.views.error_403"
handler404 = "rocu.core.views.error_404"
handler500 = "rocu.core.views.error_500"

urlpatterns = [
    path("", include("rocu.core.urls")),
    path("", include("rocu.accounts.urls")),
    path("audit/", include("rocu.audit.urls")),
    path("people-of-interest/", include("rocu.intelligence.urls")),
    path("threats/", include("rocu.threats.urls")),
    path("referrals/", include("rocu.referrals.urls")),
    path("governance/", include("rocu.governance.urls")),
    path("workforce/", include("rocu.workforce.urls")),
    path("counter-corruption/", include("rocu.counter_corruption.urls")),
    path("records/", include("rocu.records.urls")),
    path("operations/", include("rocu.operations.urls")),
    path("outcomes/", include("rocu.outcomes.urls")),
    path("performance/", include("rocu.performance.urls")),
    path("api/v1/", include("rocu.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
