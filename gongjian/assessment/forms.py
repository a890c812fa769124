from django import forms

from gongjian.assessment.models import Indicator
from gongjian.campaigns.models import Campaign


class ComputeForm(forms.Form):
    campaign = forms.ModelChoiceField(label="攻坚行动", queryset=Campaign.objects.all())
    period = forms.CharField(label="考核期", max_length=10, help_text="2023-03（月）、2023-Q1（季）或 2023（年）")


class PublishForm(forms.Form):
    confirm = forms.BooleanField(label="已核对无误，发布后不可撤销（更正须录入更正分）", required=True)


class AdjustmentForm(forms.Form):
    points = forms.DecimalField(label="更正分值", max_digits=6, decimal_places=2, help_text="加分为正，减分为负")
    reason = forms.CharField(label="更正理由", max_length=200)


class EvaluationForm(forms.Form):
    indicator = forms.ModelChoiceField(label="评价指标", queryset=Indicator.objects.none(), empty_label="请选择")
    points = forms.DecimalField(label="分值", max_digits=6, decimal_places=2, required=False,
                                help_text="报送不实可不填，按方案分值计")
    reason = forms.CharField(label="理由", max_length=200)

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scheme is not None:
            self.fields["indicator"].queryset = scheme.indicators.filter(is_manual=True, enabled=True)


class IndicatorForm(forms.Form):
    weight = forms.DecimalField(label="权重", max_digits=5, decimal_places=2, min_value=0, max_value=10)
    enabled = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args, params: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in params.items():
            self.fields[f"param_{key}"] = forms.DecimalField(label=key, max_digits=7, decimal_places=2, initial=value)

    def params(self) -> dict:
        return {name.removeprefix("param_"): value for name, value in self.cleaned_data.items()
                if name.startswith("param_")}
