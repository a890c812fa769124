from django.conf import settings

from gongjian.sso import oauth


def sign_in_options(request) -> dict:
    """Which government sign-ins the login page offers: only those configured."""
    # A response rendered before the authentication middleware ran (a refused host, an early error) has no user.
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated or getattr(request, "resolver_match", None) is None or request.resolver_match.url_name != "login":
        return {}
    return {"sso_options": [(url, label) for url, label, on in (
        ("/sso/wecom/", "政务微信登录", oauth.wecom_configured()),
        ("/sso/dingtalk/", "钉钉登录", oauth.dingtalk_configured()),
        ("/sso/oidc/", "统一身份认证登录", bool(settings.OIDC_ISSUER)),
    ) if on]}
