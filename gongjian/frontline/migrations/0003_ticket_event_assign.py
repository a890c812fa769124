"""The timeline's 派单 events are stored as "assign" (they were "dispatch", the monthly reporting app's name). The
audit log is an append-only chain and keeps its old ticket.dispatch rows; only the timeline is rewritten."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("frontline", "TicketEvent").objects.filter(kind="dispatch").update(kind="assign")


def backwards(apps, schema_editor):
    apps.get_model("frontline", "TicketEvent").objects.filter(kind="assign").update(kind="dispatch")


class Migration(migrations.Migration):

    dependencies = [("frontline", "0002_ticket_assigned")]

    operations = [migrations.RunPython(forwards, backwards)]
