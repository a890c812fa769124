from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gongjian.audit.models import AuditEvent
from gongjian.org.access import has_role, require
from gongjian.org.models import Role


@require_GET
def audit_list(request):
    require(has_role(request.user, Role.AUDIT_ADMIN))
    events = AuditEvent.objects.select_related("actor__person").order_by("-seq")
    event = request.GET.get("event", "").strip()
    if event:
        events = events.filter(event__startswith=event)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    kinds = AuditEvent.objects.order_by().values_list("event", flat=True).distinct()
    return render(request, "audit/list.html", {"page": page, "event": event, "total": page.paginator.count,
                                               "kinds": sorted(kinds)})
