from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from gongjian.assessment import api as assessment_api
from gongjian.audit import views as audit_views
from gongjian.bulletins import api as bulletins_api
from gongjian.campaigns import api as campaigns_api
from gongjian.cockpit import api as cockpit_api
from gongjian.dispatch import api as dispatch_api
from gongjian.documents import api as documents_api
from gongjian.frontline import api as frontline_api
from gongjian.inspections import api as inspections_api
from gongjian.matters import api as matters_api
from gongjian.org import admin_views as org_admin_views
from gongjian.org import api as org_api
from gongjian.org import views as org_views
from gongjian.projects import api as projects_api
from gongjian.setup import views as setup_views
from gongjian.supervision import api as supervision_api
from gongjian.workdays import views as workday_views

router = DefaultRouter()
router.register("units", org_api.UnitViewSet, basename="unit")
router.register("campaigns", campaigns_api.CampaignViewSet, basename="campaign")
router.register("focus-areas", campaigns_api.FocusAreaViewSet, basename="focus-area")
router.register("tasks", campaigns_api.TaskViewSet, basename="task")
router.register("milestones", campaigns_api.MilestoneViewSet, basename="milestone")
router.register("dependencies", campaigns_api.DependencyViewSet, basename="dependency")
router.register("reporting-periods", dispatch_api.PeriodViewSet, basename="reporting-period")
router.register("reports", dispatch_api.ReportViewSet, basename="report")
for module in (projects_api, supervision_api, frontline_api, inspections_api, assessment_api, bulletins_api,
               cockpit_api, matters_api, documents_api):
    module.register(router)

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", org_views.healthz, name="healthz"),
    # Early: each route tried before a URL costs a regex match, and the cockpit's JSON is on leaders' screens all day.
    path("", include("gongjian.cockpit.urls")),
    path("login/", org_views.login_view, name="login"),
    path("logout/", org_views.logout_view, name="logout"),
    path("password/", org_views.password_change_view, name="password_change"),
    path("org/units/", org_views.unit_list, name="unit_list"),
    path("org/units/search/", org_views.unit_search, name="unit_search"),
    path("org/leaders/search/", org_views.leader_search, name="leader_search"),
    path("org/users/", org_views.user_list, name="user_list"),
    path("org/tokens/", org_views.token_list, name="token_list"),
    path("org/tokens/<int:pk>/revoke/", org_views.token_revoke, name="token_revoke"),
    path("org/users/new/", org_admin_views.user_create_view, name="user_create"),
    path("org/users/<int:user_id>/", org_admin_views.user_detail, name="user_detail"),
    path("org/users/<int:user_id>/roles/", org_admin_views.user_roles, name="user_roles"),
    path("org/users/<int:user_id>/<str:action>/", org_admin_views.user_action, name="user_action"),
    path("org/import/", setup_views.org_import, name="org_import"),
    path("org/import/template.xlsx", setup_views.org_template, name="org_template"),
    path("org/export.xlsx", setup_views.org_export, name="org_export"),
    path("workdays/", workday_views.year_view, name="workday_year"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("", include("gongjian.campaigns.urls")),
    path("", include("gongjian.dispatch.urls")),
    path("", include("gongjian.projects.urls")),
    path("", include("gongjian.supervision.urls")),
    path("", include("gongjian.frontline.urls")),
    path("", include("gongjian.inspections.urls")),
    path("", include("gongjian.assessment.urls")),
    path("", include("gongjian.bulletins.urls")),
    path("", include("gongjian.messaging.urls")),
    path("", include("gongjian.sso.urls")),
    path("", include("gongjian.matters.urls")),
    path("", include("gongjian.documents.urls")),
    path("api/v1/me/", org_api.me, name="api_me"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

handler404 = "gongjian.views.not_found"
handler403 = "gongjian.views.forbidden"
handler400 = "gongjian.views.bad_request"
handler500 = "gongjian.views.server_error"
