import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from gongjian.audit.context import current_ip


def client_ip(request) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client address available to services, audits every file a user takes away (exports), and audits
    refusals: a signed-in user's 403, or 404 on a real route (an object outside their scope)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
            if response.status_code == 200 and response.get("Content-Disposition", "").startswith("attachment"):
                self._audit_export(request, response)
            elif response.status_code in (403, 404) and getattr(request, "resolver_match", None) is not None:
                self._audit_refusal(request, response)
            return response
        finally:
            current_ip.reset(token)

    @staticmethod
    def _audit_export(request, response) -> None:
        from gongjian.audit.services import record

        user = getattr(request, "user", None)
        record(actor=user if user is not None and user.is_authenticated else None, event="export",
               object_type=request.resolver_match.view_name if request.resolver_match else "",
               changes={"path": request.path, "query": request.GET.urlencode()[:500],
                        "content_type": response.get("Content-Type", "")})

    @staticmethod
    def _audit_refusal(request, response) -> None:
        from gongjian.audit.services import record

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        # One row per actor, path and minute: a scripted flood of refusals cannot flood the log.
        # Hashed: a path may hold any character, and memcached refuses keys with spaces or control characters.
        path = hashlib.blake2b(request.path.encode(), digest_size=16).hexdigest()
        key = f"audit-refusal:{user.pk}:{path}:{int(time.time() // 60)}"
        if not cache.add(key, 1, timeout=120):
            return
        record(actor=user, event="access.denied", object_type=request.resolver_match.view_name or "", success=False,
               changes={"path": request.path, "method": request.method, "status": response.status_code})
