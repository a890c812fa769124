from decimal import Decimal

from django import forms

from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.dispatch.forms import ReportForm
from gongjian.forms_util import MULTI_HINT, PINYIN_HINT, PinyinSelect, PinyinSelectMultiple
from gongjian.org.models import Person, Unit
from gongjian.projects.calc import TEN_THOUSAND
from gongjian.projects.models import BattleTarget, Project, ProjectApproval, ProjectFunding

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def wan_field(label: str, *, required: bool = False) -> forms.DecimalField:
    """Money typed in 万元 (what every ledger uses), stored in yuan."""
    return forms.DecimalField(label=f"{label}（万元）", required=required, min_value=0, max_digits=17, decimal_places=6,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


def to_yuan(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * TEN_THOUSAND).quantize(Decimal("0.01"))


def to_wan(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value / TEN_THOUSAND).normalize()


def areas():
    return Unit.objects.filter(kind__in=Unit.AREA_KINDS, is_active=True)


class ProjectForm(forms.Form):
    """The office's project card: the task's fields (as 计划开工/计划竣工) and the project's."""

    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动")
    focus_area = forms.ModelChoiceField(FocusArea.objects.all(), label="重点方向", required=False)
    title = forms.CharField(label="项目名称", max_length=200)
    code = forms.CharField(label="项目代码", max_length=40, required=False, help_text="投资项目统一代码")
    description = forms.CharField(label="项目简介", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=5000)
    level = forms.ChoiceField(label="项目级别", choices=Project.Level.choices, initial=Project.Level.COUNTY)
    nature = forms.ChoiceField(label="建设性质", choices=Project.Nature.choices)
    industry_chain = forms.CharField(label="产业链", max_length=40, required=False)
    town = forms.ModelChoiceField(areas(), label="所在镇街", required=False)
    longitude = forms.DecimalField(label="经度", required=False, min_value=-180, max_value=180, decimal_places=6)
    latitude = forms.DecimalField(label="纬度", required=False, min_value=-90, max_value=90, decimal_places=6)
    owner_company = forms.CharField(label="建设单位", max_length=200, required=False)
    contact_name = forms.CharField(label="项目联系人", max_length=40, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    lead_leader = forms.ModelChoiceField(Person.objects.filter(is_city_leader=True), label="包联市级领导",
                                         required=False, widget=PinyinSelect)
    lead_unit = forms.ModelChoiceField(Unit.objects.filter(is_active=True), label="牵头单位", widget=PinyinSelect,
                                       help_text=PINYIN_HINT)
    co_units = forms.ModelMultipleChoiceField(Unit.objects.filter(is_active=True), label="配合单位", required=False,
                                              widget=PinyinSelectMultiple(attrs={"size": 5}), help_text=MULTI_HINT)
    task_force = forms.ModelChoiceField(Unit.objects.filter(kind=Unit.Kind.TASK_FORCE), label="专班", required=False)
    planned_start = forms.DateField(label="计划开工", widget=DATE_WIDGET)
    planned_completion = forms.DateField(label="计划竣工", widget=DATE_WIDGET)
    planned_production = forms.DateField(label="计划投产", widget=DATE_WIDGET, required=False)
    total_investment = wan_field("总投资", required=True)
    prior_investment = wan_field("以前年度累计完成投资")
    attraction_stage = forms.ChoiceField(label="招商阶段", required=False,
                                         choices=[("", "非招商引资项目"), *Project.Stage.choices])
    signed_on = forms.DateField(label="签约日期", widget=DATE_WIDGET, required=False)
    is_foreign = forms.BooleanField(label="外资项目", required=False)
    foreign_amount_usd = forms.DecimalField(label="外资金额（美元）", required=False, min_value=0, max_digits=18,
                                            decimal_places=2)

    TASK_FIELDS = ("title", "description", "focus_area", "lead_leader", "lead_unit", "task_force", "planned_start",
                   "planned_completion")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("campaign")
        for name in ("total_investment", "prior_investment"):
            data[name] = to_yuan(data[name])
        return data

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        initial = {name: getattr(project, name) for name in cls.base_fields if name not in ("co_units",)}
        initial["co_units"] = list(project.co_units.all())
        initial["total_investment"] = to_wan(project.total_investment)
        initial["prior_investment"] = to_wan(project.prior_investment)
        return initial


class ProjectStatusForm(forms.Form):
    """What the lead unit keeps current: actual dates, head count, statistics status and pre-work approvals."""

    actual_start = forms.DateField(label="实际开工", widget=DATE_WIDGET, required=False)
    actual_completion = forms.DateField(label="实际竣工", widget=DATE_WIDGET, required=False)
    actual_production = forms.DateField(label="实际投产", widget=DATE_WIDGET, required=False)
    workers_on_site = forms.IntegerField(label="在岗工人数", min_value=0, max_value=1_000_000, required=False)
    stats_status = forms.ChoiceField(label="纳统状态", choices=Project.StatsStatus.choices)
    stats_basis = forms.ChoiceField(label="开工依据", required=False, choices=[("", "—"), *Project.StatsBasis.choices])
    stats_on = forms.DateField(label="入库日期", widget=DATE_WIDGET, required=False)
    stats_reason = forms.CharField(label="未入库原因", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ProjectApproval.Kind.choices:
            self.fields[f"{kind}_status"] = forms.ChoiceField(label=f"{label}状态", choices=ProjectApproval.Status.choices)
            self.fields[f"{kind}_planned_on"] = forms.DateField(label=f"{label}计划办结", required=False,
                                                                widget=DATE_WIDGET)
            self.fields[f"{kind}_done_on"] = forms.DateField(label=f"{label}办结日期", required=False, widget=DATE_WIDGET)
        _style(self)

    def project_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in (
            "actual_start", "actual_completion", "actual_production", "stats_status", "stats_basis", "stats_on",
            "stats_reason")} | {"workers_on_site": self.cleaned_data.get("workers_on_site") or 0}

    def approvals(self) -> dict:
        return {kind: {"status": self.cleaned_data[f"{kind}_status"],
                       "planned_on": self.cleaned_data.get(f"{kind}_planned_on"),
                       "done_on": self.cleaned_data.get(f"{kind}_done_on")} for kind in ProjectApproval.KIND_ORDER}

    def progress_fields(self):
        return [self[name] for name in ("actual_start", "actual_completion", "actual_production", "workers_on_site")]

    def stats_fields(self):
        return [self[name] for name in ("stats_status", "stats_basis", "stats_on", "stats_reason")]

    def approval_rows(self):
        return [(label, self[f"{kind}_status"], self[f"{kind}_planned_on"], self[f"{kind}_done_on"])
                for kind, label in ProjectApproval.Kind.choices]

    @classmethod
    def initial_for(cls, project: Project, approvals) -> dict:
        initial = {name: getattr(project, name) for name in (
            "actual_start", "actual_completion", "actual_production", "workers_on_site", "stats_status", "stats_basis",
            "stats_on", "stats_reason")}
        for a in approvals:
            initial |= {f"{a.kind}_status": a.status, f"{a.kind}_planned_on": a.planned_on,
                        f"{a.kind}_done_on": a.done_on}
        return initial


class ProjectPlanForm(forms.Form):
    """The year's monthly plan (investment and government funds) and the funding sources."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for m in range(1, 13):
            self.fields[f"investment_{m}"] = wan_field(f"{m}月计划投资")
            self.fields[f"gov_{m}"] = wan_field(f"{m}月政府资金计划")
        for source, label in ProjectFunding.Source.choices:
            self.fields[f"funding_{source}"] = wan_field(label)
        _style(self)

    def months(self):
        return [(m, self[f"investment_{m}"], self[f"gov_{m}"]) for m in range(1, 13)]

    def funding_fields(self):
        return [self[f"funding_{s}"] for s in ProjectFunding.Source.values]

    def investment(self) -> list:
        return [to_yuan(self.cleaned_data.get(f"investment_{m}")) for m in range(1, 13)]

    def gov_funds(self) -> list:
        return [to_yuan(self.cleaned_data.get(f"gov_{m}")) for m in range(1, 13)]

    def funding(self) -> dict:
        return {s: to_yuan(self.cleaned_data.get(f"funding_{s}")) for s in ProjectFunding.Source.values}

    @staticmethod
    def initial_for(plans, funding) -> dict:
        initial = {}
        for p in plans:
            initial[f"investment_{p.month}"] = to_wan(p.investment)
            initial[f"gov_{p.month}"] = to_wan(p.gov_funds)
        for f in funding:
            initial[f"funding_{f.source}"] = to_wan(f.amount)
        return initial


class ProjectDispatchForm(ReportForm):
    """The monthly project dispatch: the progress report plus the period's investment figures."""

    invested = wan_field("本期完成投资", required=True)
    funds_in_place = wan_field("本期到位资金")
    gov_funds_paid = wan_field("本期拨付政府资金")
    workers = forms.IntegerField(label="在岗工人数", min_value=0, max_value=1_000_000, required=False)
    image_progress = forms.CharField(label="形象进度", max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("invested", "funds_in_place", "gov_funds_paid", "workers"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def figures(self) -> dict:
        data = self.cleaned_data
        return {"invested": to_yuan(data["invested"]), "funds_in_place": to_yuan(data.get("funds_in_place")),
                "gov_funds_paid": to_yuan(data.get("gov_funds_paid")), "workers": data.get("workers"),
                "image_progress": data.get("image_progress", "")}

    @staticmethod
    def initial_from_figures(figures) -> dict:
        if figures is None:
            return {}
        return {"invested": to_wan(figures.invested), "funds_in_place": to_wan(figures.funds_in_place),
                "gov_funds_paid": to_wan(figures.gov_funds_paid), "workers": figures.workers,
                "image_progress": figures.image_progress}


class BattleTargetForm(forms.Form):
    attract = forms.IntegerField(label="招引项目", min_value=0, max_value=100000, required=False)
    start = forms.IntegerField(label="开工项目", min_value=0, max_value=100000, required=False)
    produce = forms.IntegerField(label="投产项目", min_value=0, max_value=100000, required=False)
    investment = wan_field("完成投资")
    leader = forms.ModelChoiceField(Person.objects.filter(is_city_leader=True), label="责任领导", required=False)
    unit = forms.ModelChoiceField(Unit.objects.filter(is_active=True), label="责任单位", required=False,
                                  widget=PinyinSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm" if hasattr(field, "choices") else \
                "form-control form-control-sm"

    def values(self) -> dict:
        data = self.cleaned_data
        return {"attract": data.get("attract") or 0, "start": data.get("start") or 0,
                "produce": data.get("produce") or 0, "investment": to_yuan(data.get("investment")),
                "leader": data.get("leader"), "unit": data.get("unit")}

    def is_empty(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in self.fields)


class TargetSheet:
    """The office's targets for the deployment view: one row of inputs per focus area and per town; a row left
    empty sets no target."""

    def __init__(self, campaign: Campaign, data=None):
        existing = {(t.focus_area_id, t.town_id): t for t in BattleTarget.objects.filter(campaign=campaign)}
        members = [("area", a) for a in campaign.focus_areas.all()] + [("town", u) for u in areas()]
        self.rows = []
        for key, obj in members:
            target = existing.get((obj.pk, None) if key == "area" else (None, obj.pk))
            initial = {} if target is None else {
                "attract": target.attract, "start": target.start, "produce": target.produce,
                "investment": to_wan(target.investment), "leader": target.leader_id, "unit": target.unit_id}
            form = BattleTargetForm(data, prefix=f"{key}-{obj.pk}", initial=initial)
            self.rows.append({"key": key, "name": getattr(obj, "title", None) or obj.name, "obj": obj, "form": form,
                              "target": target})

    def is_valid(self) -> bool:
        return all([row["form"].is_valid() for row in self.rows])

    def targets(self):
        """Keyword arguments for battle_target_set, one per row to save."""
        for row in self.rows:
            if row["target"] is None and row["form"].is_empty():
                continue
            yield {"focus_area": row["obj"] if row["key"] == "area" else None,
                   "town": row["obj"] if row["key"] == "town" else None, **row["form"].values()}


class LedgerImportForm(forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动")
    file = forms.FileField(label="台账文件（.xlsx）")


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif hasattr(field, "choices"):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")
