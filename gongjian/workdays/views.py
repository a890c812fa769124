from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gongjian import clock
from gongjian.org.access import has_role, require
from gongjian.org.models import Role
from gongjian.workdays import services
from gongjian.workdays.models import WorkdayOverride


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        year = 0
    today = clock.today()
    return year if today.year - 1 <= year <= today.year + 5 else today.year + 1


@require_http_methods(["GET", "POST"])
def year_view(request):
    require(has_role(request.user, Role.SYSTEM_ADMIN))
    year = _year(request)
    entered = list(WorkdayOverride.objects.filter(date__year=year))
    context = {
        "year": year, "years": range(clock.today().year, clock.today().year + 3),
        "uncovered": services.uncovered(year), "holidays": [o for o in entered if not o.is_workday],
        "makeup": [o for o in entered if o.is_workday], "errors": {},
        "holidays_text": "", "makeup_text": "", "source": "", "example_year": year,
    }
    if request.method == "POST":
        context.update({k: request.POST.get(k, "") for k in ("holidays_text", "makeup_text", "source")})
        try:
            holidays, makeup = services.parse_schedule(year=year, holidays_text=context["holidays_text"],
                                                       makeup_text=context["makeup_text"])
            count = services.year_schedule_set(actor=request.user, year=year, holidays=holidays, makeup=makeup,
                                               source=context["source"])
        except services.ScheduleError as exc:
            context["errors"] = exc.errors
            return render(request, "workdays/year.html", context, status=400)
        except services.UserError as exc:
            context["errors"] = {exc.field or "source": [exc.message]}
            return render(request, "workdays/year.html", context, status=400)
        messages.success(request, f"{year}年工作日历已保存（{count}天调整）。")
        return redirect(f"{request.path}?year={year}")
    return render(request, "workdays/year.html", context)
