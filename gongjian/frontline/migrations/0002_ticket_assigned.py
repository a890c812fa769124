"""Ticket dispatch (派单) is called assignment in the code, so that it is not confused with 每月调度 (the `dispatch`
app): the state "dispatched" becomes "assigned", and the dispatched_* columns become assigned_*."""

from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    apps.get_model("frontline", "Ticket").objects.filter(state="dispatched").update(state="assigned")


def backwards(apps, schema_editor):
    apps.get_model("frontline", "Ticket").objects.filter(state="assigned").update(state="dispatched")


class Migration(migrations.Migration):

    dependencies = [
        ("frontline", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The index's name is made from its fields: dropped before the rename, built again after it.
        migrations.RemoveIndex(model_name="assignment", name="frontline_a_unit_id_745933_idx"),
        migrations.RenameField(model_name="ticket", old_name="dispatched_at", new_name="assigned_at"),
        migrations.RenameField(model_name="assignment", old_name="dispatched_at", new_name="assigned_at"),
        migrations.RenameField(model_name="assignment", old_name="dispatched_on", new_name="assigned_on"),
        migrations.RenameField(model_name="assignment", old_name="dispatched_by", new_name="assigned_by"),
        migrations.AlterField(
            model_name="ticket",
            name="state",
            field=models.CharField(choices=[("received", "待派单"), ("assigned", "已派单"), ("returned", "已退单"),
                                            ("signed", "已签收"), ("in_progress", "办理中"), ("replied", "已答复"),
                                            ("visited", "已回访"), ("closed", "已办结"), ("merged", "已合并")],
                                   default="received", max_length=12, verbose_name="状态"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterModelOptions(name="assignment", options={"ordering": ["ticket", "assigned_at", "id"]}),
        migrations.AddIndex(model_name="assignment",
                            index=models.Index(fields=["unit", "assigned_on"], name="frontline_a_unit_id_725b2d_idx")),
    ]
