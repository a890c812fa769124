from django.contrib.auth.decorators import login_not_required
from django.urls import path

from gongjian.sso import oidc, views

urlpatterns = [
    path("sso/wecom/", views.wecom_start, name="sso_wecom"),
    path("sso/wecom/callback/", views.wecom_callback, name="sso_wecom_callback"),
    path("sso/dingtalk/", views.dingtalk_start, name="sso_dingtalk"),
    path("sso/dingtalk/callback/", views.dingtalk_callback, name="sso_dingtalk_callback"),
    path("sso/dingtalk/app/", views.dingtalk_app, name="sso_dingtalk_app"),
    path("sso/oidc/", login_not_required(oidc.Start.as_view()), name="oidc_authentication_init"),
    path("sso/oidc/callback/", login_not_required(oidc.Callback.as_view()), name="oidc_authentication_callback"),
    path("sso/oidc/failed/", views.oidc_failed, name="sso_oidc_failed"),
]
