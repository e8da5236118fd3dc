"""/api/v1/: the foundation's routes, then each app's ROUTES from its api_urls module."""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from rocu.accounts import api as accounts_api
from rocu.audit import api as audit_api

# Apps that publish API routes in rocu/<app>/api_urls.py.
API_APPS = [
    "intelligence",
    "threats",
    "referrals",
    "governance",
    "workforce",
    "counter_corruption",
    "records",
    "operations",
    "outcomes",
    "performance",
]

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", accounts_api.RegionViewSet, basename="region")
router.register("forces", accounts_api.ForceViewSet, basename="force")
router.register("units", accounts_api.UnitViewSet, basename="unit")
router.register("partners", accounts_api.PartnerViewSet, basename="partner")
router.register("people", accounts_api.PersonViewSet, basename="person")
router.register("groups", accounts_api.GroupViewSet, basename="group")
router.register("audit/events", audit_api.AuditEventViewSet, basename="audit-event")
for app in API_APPS:
    for prefix, viewset, basename in import_module(f"rocu.{app}.api_urls").ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
