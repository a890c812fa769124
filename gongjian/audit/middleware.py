from django.conf import settings

from gongjian.audit.context import current_ip


def client_ip(request) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client address available to services, and audits every file a user takes away (exports)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
            if response.status_code == 200 and response.get("Content-Disposition", "").startswith("attachment"):
                self._audit_export(request, response)
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
