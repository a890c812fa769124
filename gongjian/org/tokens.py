"""API token authentication: the header carries the token, the database only its SHA-256 digest (the token is
random and long, so an unsalted digest cannot be reversed). Every session control applies to tokens too."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions

from gongjian.org.models import ApiToken

PREFIX = "gj_"


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_state(token: ApiToken, now) -> str | None:
    """Why a token no longer answers, in Chinese; None when it is live."""
    from gongjian.org.services import password_is_expired

    if token.revoked_at is not None:
        return "令牌已撤销"
    if now - token.created_at > timedelta(days=settings.API_TOKEN_MAX_DAYS):
        return "令牌已过期（超过最长有效期）"
    if now - token.last_used_at > timedelta(days=settings.API_TOKEN_IDLE_DAYS):
        return "令牌已过期（长期未使用）"
    if not token.user.is_active:
        return "账户已停用"
    if password_is_expired(token.user):
        return "密码已过期，请登录网页修改密码后重新生成令牌"
    return None


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user", "user__person").filter(digest=digest_of(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效")
        now = timezone.now()
        refusal = token_state(token, now)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        # One write per minute of use is enough to measure idleness in days.
        if now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
