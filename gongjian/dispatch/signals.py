"""Events later modules react to without dispatch knowing them (apps to the right may not be imported here)."""

from django.dispatch import Signal

# Sent inside report_approve's transaction with `report` and `actor`; receivers' writes share its fate.
report_approved = Signal()
