import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.shortcuts import redirect
from django.urls import reverse

from gongjian.org.access import is_admin
from gongjian.org.services import password_is_expired

# DRF authenticates these itself (token or session) and answers 401/403; a login redirect would break API clients.
API_PREFIXES = ("/api/", "/open311/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Deny by default: every page needs login unless its view is marked @login_not_required."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(API_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SessionLimitsMiddleware:
    """Idle and absolute session timeouts (15 idle minutes for administrators), and forced password change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and "login_at" in request.session:
            now = time.time()
            idle = settings.SESSION_IDLE_MINUTES_ADMIN if is_admin(user) else settings.SESSION_IDLE_MINUTES
            expired = (
                now - request.session.get("seen_at", 0) > idle * 60
                or now - request.session["login_at"] > settings.SESSION_ABSOLUTE_HOURS * 3600
            )
            if expired:
                logout(request)
                if request.path.startswith(API_PREFIXES):
                    return self.get_response(request)
                return redirect(f"{reverse('login')}?expired=1")
            # Writing the session on every request would cost a write per page view; a minute's precision is enough.
            if now - request.session.get("seen_at", 0) > 60:
                request.session["seen_at"] = now
            change_url = reverse("password_change")
            if request.path not in (change_url, reverse("logout")) and not request.path.startswith(
                (settings.STATIC_URL,) + API_PREFIXES
            ) and password_is_expired(user):
                return redirect(f"{change_url}?expired=1")
        return self.get_response(request)
