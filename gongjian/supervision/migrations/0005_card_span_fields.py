from django.db import migrations, models


class Migration(migrations.Migration):
    """Cards become spans of days (docs/architecture.md, "Card history"): the span columns first, empty, so that
    0006 can fold the daily rows into them."""

    dependencies = [("supervision", "0004_clock_timestamps")]

    operations = [
        migrations.AddField(model_name="card", name="valid_from", field=models.DateField(null=True)),
        migrations.AddField(model_name="card", name="valid_until",
                            field=models.DateField(blank=True, help_text="含当日；空为当前亮牌", null=True,
                                                   verbose_name="截止日期")),
    ]
