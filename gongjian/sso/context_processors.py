from django.conf import settings

from gongjian.sso import oauth


def sign_in_options(request) -> dict:
    """Which government sign-ins the login page offers: only those configured."""
    if request.user.is_authenticated or request.resolver_match is None or request.resolver_match.url_name != "login":
        return {}
    return {"sso_options": [(url, label) for url, label, on in (
        ("/sso/wecom/", "政务微信登录", oauth.wecom_configured()),
        ("/sso/dingtalk/", "钉钉登录", oauth.dingtalk_configured()),
        ("/sso/oidc/", "统一身份认证登录", bool(settings.OIDC_ISSUER)),
    ) if on]}
