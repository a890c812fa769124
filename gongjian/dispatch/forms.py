from django import forms

from gongjian.dispatch.services import PROBLEM_CATEGORIES

PROBLEM_ROWS = 3


class ReportForm(forms.Form):
    work_done = forms.CharField(label="本期工作进展", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    next_steps = forms.CharField(label="下步计划", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                 max_length=5000)
    percent = forms.DecimalField(label="完成进度（%）", min_value=0, max_value=100, decimal_places=2, required=False)
    indicator_actual = forms.DecimalField(label="指标完成值", max_digits=18, decimal_places=2, required=False)
    support_needed = forms.CharField(label="需协调事项", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                     max_length=2000)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = list(milestones)
        for m in self.milestones:
            self.fields[f"ms_{m.pk}"] = forms.BooleanField(label=m.title, required=False)
            self.fields[f"ms_{m.pk}_on"] = forms.DateField(label="完成日期", required=False,
                                                           widget=forms.DateInput(attrs={"type": "date"}))
        for i in range(PROBLEM_ROWS):
            self.fields[f"problem_{i}_category"] = forms.ChoiceField(
                label="问题类别", choices=[("", "—"), *PROBLEM_CATEGORIES.items()], required=False)
            self.fields[f"problem_{i}_description"] = forms.CharField(label="问题描述", required=False, max_length=1000)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        milestones_done = {
            str(m.pk): (data.get(f"ms_{m.pk}_on").isoformat() if data.get(f"ms_{m.pk}_on") else "")
            for m in self.milestones if data.get(f"ms_{m.pk}")
        }
        problems = [
            {"category": data.get(f"problem_{i}_category") or "other",
             "description": data.get(f"problem_{i}_description", "")}
            for i in range(PROBLEM_ROWS) if (data.get(f"problem_{i}_description") or "").strip()
        ]
        fields = {
            "work_done": data["work_done"], "next_steps": data.get("next_steps", ""),
            "support_needed": data.get("support_needed", ""), "indicator_actual": data.get("indicator_actual"),
            "milestones_done": milestones_done, "problems": problems,
        }
        if data.get("percent") is not None:
            fields["percent"] = data["percent"]
        return fields

    def milestone_rows(self):
        return [(m, self[f"ms_{m.pk}"], self[f"ms_{m.pk}_on"]) for m in self.milestones]

    def problem_rows(self):
        return [(self[f"problem_{i}_category"], self[f"problem_{i}_description"]) for i in range(PROBLEM_ROWS)]

    @staticmethod
    def initial_from(report) -> dict:
        if report is None:
            return {}
        initial = {f: getattr(report, f) for f in ("work_done", "next_steps", "percent", "indicator_actual",
                                                    "support_needed")}
        for key, when in report.milestones_done.items():
            initial[f"ms_{key}"] = True
            initial[f"ms_{key}_on"] = when
        for i, problem in enumerate(report.problems[:PROBLEM_ROWS]):
            initial[f"problem_{i}_category"] = problem["category"]
            initial[f"problem_{i}_description"] = problem["description"]
        return initial
