"""Re-hash an existing chain with the keyed hash (HMAC). Rows whose plain hash no longer matches are left as they
are, so that audit-verify still reports them after the upgrade."""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations


def _payload(event, prev_hash: str) -> str:
    return json.dumps(
        [event.seq, event.at.isoformat(), event.actor_id, event.actor_name, event.actor_unit, event.ip, event.event,
         event.object_type, event.object_id, event.object_repr, event.success, event.changes, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )


def rekey(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    prev_plain, prev_keyed = "0" * 64, "0" * 64
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=5000):
        if event.prev_hash != prev_plain or hashlib.sha256(_payload(event, event.prev_hash).encode()).hexdigest() != event.hash:
            return  # already broken (or already keyed): leave the rest for audit-verify to report
        prev_plain = event.hash
        keyed = hmac.new(settings.AUDIT_KEY, _payload(event, prev_keyed).encode(), hashlib.sha256).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev_keyed, hash=keyed)
        prev_keyed = keyed
    AuditHead.objects.filter(pk=1).update(hash=prev_keyed)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
