from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from gongjian.demo import (
    assessment,
    bulletins,
    campaign,
    frontline,
    guard,
    inspections,
    matters,
    messaging,
    org,
    projects,
    reports,
)
from gongjian.demo.org import ACCOUNTS, DEMO_PASSWORD, LEADERS
from gongjian.supervision.jobs import supervise
from gongjian.supervision.models import SupervisionRun
from gongjian.workdays import days

DEMO_TODAY = date(2023, 3, 31)


def supervision_history() -> dict:
    """Run the daily supervision for each working day of February and March, as the job runner would have, so the
    cards and the escalation ladder on 2023-03-31 have their history. Done once: the daily run repeats a day
    idempotently, but replaying February over the escalation state of 31 March climbs the ladder again (new
    notices and messages), so a second load keeps the history the first one wrote."""
    done = SupervisionRun.objects.filter(date=DEMO_TODAY).first()
    if done is not None:
        return done.summary["colors"]
    day = date(2023, 2, 1)
    while day <= DEMO_TODAY:
        if days.is_workday(day) or day == DEMO_TODAY:
            summary = supervise(on=day)
        day += timedelta(days=1)
    return summary["colors"]


class Command(BaseCommand):
    help = "加载莱西2023演示数据（可重复执行，结果不变）"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="数据库中已有非演示数据时仍然加载（生产环境下无效）")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(guard.refusal())
        reason = guard.refusal()
        if reason and not options["force"]:
            raise CommandError(reason + "如确需加载，请加 --force。")
        if reason:
            self.stderr.write("警告：" + reason + "已按 --force 继续加载。")
        # The demo is the state of Laixi on 2023-03-31, whatever today is.
        with override_settings(GONGJIAN_TODAY=DEMO_TODAY), transaction.atomic():
            counts = org.load()
            messaging.people()
            office = get_user_model().objects.get(username="office")
            demo_campaign = campaign.load(office)
            counts["tasks"] = demo_campaign.tasks.count()
            counts["reports"] = reports.load(demo_campaign, office)
            counts["projects"] = projects.load(demo_campaign, office)["projects"]
            counts["frontline"] = frontline.load(demo_campaign, office)
            messaging.oversight()
            counts["cards"] = supervision_history()
            counts["messages"] = messaging.load(office, DEMO_TODAY)
            counts["inspections"] = inspections.load(demo_campaign, office)
            counts["assessment"] = assessment.load(demo_campaign, office)
            counts["bulletins"] = bulletins.load(demo_campaign, office)
            counts["matters"] = matters.load(office)
            guard.remember()
        cards = counts["cards"]
        self.stdout.write(f"演示数据已就绪：{counts['units']}个单位，{counts['people']}人，{counts['tasks']}项任务；"
                          f"3月31日红牌{cards['red']}、黄牌{cards['yellow']}、绿牌{cards['green']}。")
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}，仅演示环境存在）：")
        for username, display, *_ in ACCOUNTS + [(u, d) for u, d, _ in LEADERS[:2]]:
            self.stdout.write(f"  {username:<20} {display}")
