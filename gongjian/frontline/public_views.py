"""Citizen pages, no login (/public/): submit a ticket or an idea from a phone, follow it with its code.

Submissions are rate limited per client address (ratelimit.py) and keep CSRF protection. A tracking page shows a
ticket's status, its public timeline and replies; never a name, phone or e-mail, not even the citizen's own."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.frontline import ratelimit, selectors, services
from gongjian.frontline.forms import IdeaForm, TicketForm
from gongjian.frontline.models import Category, Idea, Ticket
from gongjian.frontline.text import scrub


def _too_many(request, template: str, context: dict):
    context["limited"] = ratelimit.MESSAGE
    return render(request, template, context, status=429)


@login_not_required
@require_GET
def public_home(request):
    return render(request, "frontline/public/home.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def public_ticket_new(request):
    template = "frontline/public/ticket_new.html"
    code = request.GET.get("category") or request.POST.get("category_code")
    category = Category.objects.filter(code=code, is_active=True).first() if code else None
    if category is None:
        return render(request, template, {"categories": Category.objects.filter(is_active=True)})
    form = TicketForm(request.POST or None, category=category, kind="public")
    context = {"form": form, "category": category}
    if request.method == "POST":
        if not ratelimit.allow(request, "ticket"):
            return _too_many(request, template, context)
        if form.is_valid():
            try:
                ticket = services.ticket_create(actor=None, category=category, source=Ticket.Source.WEB,
                                                **form.service_fields())
            except UserError as exc:
                add_user_error(form, exc)
            else:
                return redirect(f"{reverse('public_ticket_track')}?code={ticket.code}&new=1")
    return render(request, template, context, status=400 if form.errors else 200)


@login_not_required
@require_GET
def public_ticket_track(request):
    code = request.GET.get("code", "").strip().upper()[:12]
    ticket = Ticket.objects.filter(code=code).select_related("category", "unit").first() if code else None
    context = {"code": code, "ticket": ticket, "new": request.GET.get("new") == "1"}
    if ticket is not None:
        context["text"] = scrub(ticket.text)
        context["reply"] = scrub(ticket.public_reply)
        context["events"] = [(e, scrub(e.note)) for e in selectors.timeline(ticket, public_only=True)]
    status = 404 if code and ticket is None else 200
    return render(request, "frontline/public/ticket_track.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def public_idea_new(request):
    template = "frontline/public/idea_new.html"
    form = IdeaForm(request.POST or None)
    context = {"form": form, "similar": []}
    if request.method == "POST":
        if not ratelimit.allow(request, "idea"):
            return _too_many(request, template, context)
        if form.is_valid():
            data = form.cleaned_data
            try:
                idea = services.idea_submit(actor=None, **data)
            except UserError as exc:
                add_user_error(form, exc)
                context["similar"] = selectors.similar_ideas(data["title"], data["text"])
            else:
                return redirect(f"{reverse('public_idea_track')}?code={idea.code}&new=1")
    status = 409 if context["similar"] else (400 if form.errors else 200)
    return render(request, template, context, status=status)


@login_not_required
@require_GET
def public_idea_track(request):
    code = request.GET.get("code", "").strip().upper()[:12]
    idea = Idea.objects.filter(code=code).select_related("task__lead_unit").first() if code else None
    context = {"code": code, "idea": idea, "new": request.GET.get("new") == "1"}
    if idea is not None:
        context["progress"] = selectors.idea_progress(idea)
        context["points"] = sum(idea.points.values_list("points", flat=True))
    return render(request, "frontline/public/idea_track.html", context, status=404 if code and idea is None else 200)
