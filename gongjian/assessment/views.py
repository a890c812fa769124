from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian import clock
from gongjian.assessment import exports, periods, registry, selectors, services
from gongjian.assessment.access import may_use, member_unit_id, ranking_for, score_for, scores_visible_to
from gongjian.assessment.forms import AdjustmentForm, ComputeForm, EvaluationForm, IndicatorForm, PublishForm
from gongjian.assessment.indicators import PARAM_LABELS
from gongjian.assessment.models import Category, Ranking, Scheme
from gongjian.assessment.scoring import params_of
from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.listing import xlsx_response
from gongjian.org.access import get_or_404, is_office, require, sees_everything
from gongjian.org.models import Unit

TABLE_PAGE = 50


def _campaign(request) -> Campaign | None:
    pk = request.GET.get("campaign")
    return get_or_404(Campaign.objects.all(), pk) if pk else selectors.default_campaign()


def _period_type(request) -> str:
    label = request.GET.get("period", "")
    try:
        return periods.parse(label)[0]
    except ValueError:
        kind = request.GET.get("type", "")
        return kind if kind in Scheme.PeriodType.values else Scheme.PeriodType.MONTH


def league_url(ranking: Ranking) -> str:
    return f"{reverse('assessment_league')}?{urlencode({'campaign': ranking.scheme.campaign_id, 'period': ranking.label})}"


def unit_url(ranking: Ranking, unit_id: int) -> str:
    query = urlencode({"campaign": ranking.scheme.campaign_id, "period": ranking.label})
    return f"{reverse('assessment_unit', args=[unit_id])}?{query}"


def _page(rows: list, number, size: int = TABLE_PAGE) -> tuple[list, int, int]:
    pages = max(1, (len(rows) + size - 1) // size)
    try:
        current = min(max(1, int(number)), pages)
    except (TypeError, ValueError):
        current = 1
    return rows[(current - 1) * size:current * size], current, pages


@require_GET
def league(request):
    """The league tables of one period: towns/streets/zones and departments, with the red/yellow lists."""
    require(may_use(request.user))
    campaign = _campaign(request)
    period_type = _period_type(request)
    scheme = Scheme.objects.filter(campaign=campaign, period_type=period_type).first() if campaign else None
    everything = sees_everything(request.user)
    rankings = Ranking.objects.filter(scheme=scheme).select_related("scheme")
    if not everything:
        rankings = rankings.filter(state=Ranking.State.PUBLISHED)
    label = request.GET.get("period", "").strip()
    ranking = rankings.filter(label=label).first() if label else rankings.order_by("-start").first()
    if label and ranking is None and not is_office(request.user):
        raise Http404
    tables = selectors.league(ranking, published_only=not everything) if ranking else {c: [] for c in Category.values}
    if ranking is not None and request.GET.get("export") == "xlsx":
        return xlsx_response(exports.league_xlsx(ranking, tables), f"考核排名-{ranking.label}")
    shown = {}
    for category, rows in tables.items():
        shown[category] = _page(rows, request.GET.get(f"page_{category}"))
    return render(request, "assessment/league.html", {
        "campaign": campaign, "campaigns": Campaign.objects.filter(schemes__isnull=False).distinct(),
        "scheme": scheme, "period_type": period_type, "period_types": Scheme.PeriodType.choices,
        "ranking": ranking, "rankings": rankings.order_by("-start")[:36], "label": label,
        "tables": [(c, Category(c).label, shown[c][0], len(tables[c]), shown[c][1], shown[c][2])
                   for c in Category.values],
        "count": sum(len(rows) for rows in tables.values()),
        "lists": selectors.red_yellow(ranking, request.user) if ranking else {},
        "category_labels": dict(Category.choices),
        "is_office": is_office(request.user), "my_unit": member_unit_id(request.user),
        "my_unit_ranked": scheme is not None and scores_visible_to(request.user).filter(
            unit_id=member_unit_id(request.user), ranking__scheme=scheme).exists(),
        "compute_form": ComputeForm(initial={"campaign": campaign, "period": label or _default_label(period_type)}),
        "publish_form": PublishForm(),
        "query": urlencode({k: v for k, v in request.GET.items() if not k.startswith("page_") and k != "export"}),
    })


def _default_label(period_type: str) -> str:
    return periods.label_for(period_type, clock.today())


def _unit_rankings(request, unit: Unit, scheme: Scheme | None):
    visible = scores_visible_to(request.user).filter(unit=unit, ranking__scheme=scheme).values("ranking_id")
    return Ranking.objects.filter(pk__in=visible).select_related("scheme", "scheme__campaign").order_by("-start")


def _unit_page(request, unit: Unit, ranking: Ranking, *, evaluation_form=None, adjustment_form=None,
               status: int = 200):
    score = score_for(request.user, ranking, unit.pk)
    lines = selectors.breakdown(score, request.user)
    everything = sees_everything(request.user)
    # Before publication a unit sees its own lines, not where they put it among the others.
    row = next((r for r in selectors.league(ranking, published_only=not everything)[score.category]
                if r.score.pk == score.pk), None) if everything or ranking.is_published else None
    trend = selectors.unit_trend(ranking, unit.pk, published_only=not everything)
    return render(request, "assessment/unit.html", {
        "unit": unit, "ranking": ranking, "rankings": _unit_rankings(request, unit, ranking.scheme)[:36],
        "score": score, "lines": lines, "row": row, "items_total": score.total - score.base,
        "trend_labels": [title for title, _ in trend], "trend": [total for _, total in trend],
        "names": selectors.indicator_names(ranking.scheme),
        "is_office": is_office(request.user),
        "evaluation_form": evaluation_form or EvaluationForm(scheme=ranking.scheme),
        "adjustment_form": adjustment_form or AdjustmentForm(),
        "league_url": league_url(ranking),
    }, status=status)


@require_GET
def unit_detail(request, unit_id: int):
    """A unit's score for a period, every line linked to the event that earned or lost it."""
    require(may_use(request.user))
    unit = get_or_404(Unit.objects.all(), unit_id)
    campaign = _campaign(request)
    scheme = Scheme.objects.filter(campaign=campaign, period_type=_period_type(request)).first() if campaign else None
    rankings = _unit_rankings(request, unit, scheme)
    label = request.GET.get("period", "").strip()
    ranking = rankings.filter(label=label).first() if label else rankings.first()
    if ranking is None:
        raise Http404
    return _unit_page(request, unit, ranking)


def _posted_ranking(request, pk: int) -> Ranking:
    return ranking_for(request.user, pk, write=True)


@require_POST
def compute(request):
    require(is_office(request.user))
    form = ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("assessment_league")
    campaign, label = form.cleaned_data["campaign"], form.cleaned_data["period"].strip().upper()
    try:
        kind = periods.parse(label)[0]
        scheme = services.scheme_for(actor=request.user, campaign=campaign, period_type=kind)
        ranking = services.ranking_compute(actor=request.user, scheme=scheme, label=label)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("assessment_league")
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('assessment_league')}?{urlencode({'campaign': campaign.pk, 'type': kind})}")
    messages.success(request, f"已计算{ranking.title}得分（截至{ranking.as_of.isoformat()}，用时{ranking.seconds}秒）。")
    return redirect(league_url(ranking))


@require_POST
def publish(request, pk: int):
    ranking = _posted_ranking(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请勾选确认后再发布。")
        return redirect(league_url(ranking))
    try:
        services.ranking_publish(actor=request.user, ranking=ranking)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已发布{ranking.title}考核结果；此后只能以更正分修改。")
    return redirect(league_url(ranking))


@require_POST
def evaluate(request, pk: int, unit_id: int):
    ranking = _posted_ranking(request, pk)
    unit = get_or_404(Unit.objects.all(), unit_id)
    form = EvaluationForm(request.POST, scheme=ranking.scheme)
    if form.is_valid():
        try:
            services.evaluation_add(actor=request.user, ranking=ranking, unit=unit, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "已录入人工评价。")
            return redirect(unit_url(ranking, unit.pk))
    return _unit_page(request, unit, ranking, evaluation_form=form, status=400)


@require_POST
def adjust(request, pk: int, unit_id: int):
    ranking = _posted_ranking(request, pk)
    unit = get_or_404(Unit.objects.all(), unit_id)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            services.adjustment_add(actor=request.user, ranking=ranking, unit=unit, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "已录入更正分，已计入得分明细。")
            return redirect(unit_url(ranking, unit.pk))
    return _unit_page(request, unit, ranking, adjustment_form=form, status=400)


def _indicator_rows(scheme: Scheme, bound: dict | None = None) -> list[dict]:
    found = registry.specs()
    rows = []
    for indicator in scheme.indicators.all():
        spec = found.get(indicator.code)
        params = params_of(indicator)
        form = (bound or {}).get(indicator.pk) or IndicatorForm(
            params=params, initial={"weight": indicator.weight, "enabled": indicator.enabled}, prefix=f"i{indicator.pk}")
        for key in params:
            form.fields[f"param_{key}"].label = PARAM_LABELS.get(key, key)
        rows.append({"indicator": indicator, "spec": spec, "params": params, "form": form,
                     "rule": spec.rule if spec else "（该指标已不再提供）"})
    return rows


@require_http_methods(["GET", "POST"])
def scheme_detail(request, pk: int):
    """The scheme's indicators with their points, weights and 计分口径; the office changes them here."""
    require(may_use(request.user))
    scheme = get_or_404(Scheme.objects.select_related("campaign"), pk)
    bound, status = {}, 200
    if request.method == "POST":
        require(is_office(request.user))
        indicator = get_or_404(scheme.indicators.all(), request.POST.get("indicator"))
        form = IndicatorForm(request.POST, params=params_of(indicator), prefix=f"i{indicator.pk}")
        if form.is_valid():
            try:
                services.indicator_update(actor=request.user, indicator=indicator, weight=form.cleaned_data["weight"],
                                          enabled=form.cleaned_data["enabled"], params=form.params())
            except UserError as exc:
                add_user_error(form, exc)
            else:
                messages.success(request, f"已保存指标“{indicator.name}”，此后计算的考核期按新分值计。")
                return redirect("assessment_scheme", pk=scheme.pk)
        bound, status = {indicator.pk: form}, 400
    return render(request, "assessment/scheme.html", {
        "scheme": scheme, "rows": _indicator_rows(scheme, bound), "is_office": is_office(request.user),
    }, status=status)

