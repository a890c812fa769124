import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """TaskWatch held each task's place on the escalation ladder; its name now says so."""

    dependencies = [
        ("campaigns", "0001_initial"),
        ("supervision", "0002_blocker_next_escalation"),
    ]

    operations = [
        migrations.RenameModel(old_name="TaskWatch", new_name="EscalationState"),
        migrations.AlterField(
            model_name="escalationstate",
            name="task",
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="escalation_state",
                                       to="campaigns.task"),
        ),
    ]
