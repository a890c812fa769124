"""Starting a campaign on a page (a county on day one has none), and the office's settings of a campaign."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from gongjian import clock
from gongjian.campaigns import services
from gongjian.campaigns.access import campaign_for
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.org.access import is_office, require


class CampaignForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, help_text="如“2027年攻坚突破年”")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    start = forms.DateField(label="开始日期")
    end = forms.DateField(label="结束日期")
    description = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require(is_office(request.user))
    year = clock.today().year
    form = CampaignForm(request.POST or None, initial={"year": year, "start": clock.today(),
                                                       "end": clock.today().replace(month=12, day=31)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(actor=request.user, **data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, f"已创建攻坚行动“{campaign.name}”。下一步：粘贴动员讲话生成任务清单，或导入台账。")
            return redirect("speech_import")
    return render(request, "campaigns/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


def _whole_number_field(label: str, help_text: str) -> forms.IntegerField:
    # The range is checked by the service, so a page and any other caller get the same message.
    return forms.IntegerField(label=label, help_text=help_text, error_messages={
        "required": f"请填写「{label}」", "invalid": f"「{label}」必须是整数"})


class CampaignSettingsForm(forms.Form):
    report_due_workday = _whole_number_field("月度填报截止（次月第几个工作日）",
                                             "1—20，默认5：每月进展在次月第5个工作日前报送")
    remind_days_before = _whole_number_field("截止前几个工作日提醒",
                                             "0—10，默认2：截止前2个工作日和截止当日提醒未报单位；0为只在当日提醒")


@require_http_methods(["GET", "POST"])
def campaign_settings(request, pk: int):
    campaign = campaign_for(request.user, pk, manage=True)
    form = CampaignSettingsForm(request.POST or None, initial={
        "report_due_workday": campaign.report_due_workday, "remind_days_before": campaign.remind_days_before})
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_settings_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except UserError as exc:
            add_user_error(form, exc)
        else:
            messages.success(request, "已保存攻坚行动设置。")
            return redirect("campaign_settings", pk=campaign.pk)
    return render(request, "campaigns/campaign_settings.html", {
        "campaign": campaign, "form": form, "schemes": campaign.schemes.all(),
    }, status=400 if form.errors else 200)
