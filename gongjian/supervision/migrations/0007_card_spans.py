from django.db import migrations, models


class Migration(migrations.Migration):
    """Cards are spans: the daily column goes, one open row per task and one row per task and first day."""

    dependencies = [("supervision", "0006_fold_daily_cards")]

    operations = [
        migrations.RemoveConstraint(model_name="card", name="one_card_per_task_day"),
        migrations.RemoveIndex(model_name="card", name="supervision_date_d50e18_idx"),
        migrations.RemoveField(model_name="card", name="date"),
        migrations.AlterField(model_name="card", name="valid_from", field=models.DateField(verbose_name="起始日期")),
        migrations.AlterModelOptions(name="card", options={"ordering": ["-valid_from", "task_id"],
                                                           "verbose_name": "亮牌", "verbose_name_plural": "亮牌"}),
        migrations.AddConstraint(model_name="card", constraint=models.UniqueConstraint(
            fields=("task", "valid_from"), name="card_span_start")),
        migrations.AddConstraint(model_name="card", constraint=models.UniqueConstraint(
            condition=models.Q(valid_until__isnull=True), fields=("task",), name="one_open_card")),
        migrations.AddIndex(model_name="card", index=models.Index(fields=["valid_until", "color"],
                                                                  name="card_until_color")),
    ]
