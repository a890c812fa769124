"""The demo's March 2023 督办事项: every kind present, plausible for Laixi, and loading twice changes nothing."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from gongjian.campaigns.models import Task
from gongjian.demo import matters, org
from gongjian.documents.models import Document
from gongjian.matters.models import Assignment, Instruction, MeetingItem, Proposal

pytestmark = pytest.mark.django_db


def test_demo_has_march_items_of_each_kind(settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 31)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org.load()
    office = get_user_model().objects.get(username="office")
    matters.load(office)
    counts = {m: m.objects.count() for m in (Instruction, MeetingItem, Assignment, Proposal, Document)}
    assert all(counts.values()), counts
    for model in (Instruction, MeetingItem, Assignment, Proposal):
        assert all(item.start.year == 2023 and item.start.month == 3 for item in model.objects.all())
        assert model.objects.filter(campaign__name="2023年日常督办").count() == model.objects.count()
    assert Instruction.objects.filter(signed_off_at__isnull=False).exists()
    assert Proposal.objects.filter(satisfaction="satisfied", answer_class="B").exists()
    assert Assignment.objects.filter(replied_on__isnull=False).exists()
    assert Task.objects.filter(parent__in=MeetingItem.objects.all()).count() == 2
    assert Document.objects.get().number == "莱督字〔2023〕1号"
    matters.load(office)
    assert {m: m.objects.count() for m in counts} == counts
