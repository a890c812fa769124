"""An oversized upload is refused while it arrives, not after the whole body has been written to disk."""

import pytest
from django.test.client import FakePayload

from gongjian.dispatch import services

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture
def bytes_read(monkeypatch):
    """How much of the request body the server read (the test client's stand-in for the socket)."""
    total = {"read": 0}
    original = FakePayload.read

    def counting(self, size=-1):
        chunk = original(self, size)
        total["read"] += len(chunk)
        return chunk

    monkeypatch.setattr(FakePayload, "read", counting)
    return total


def _report(cast, assigned_task, march):
    return services.report_save(actor=cast.editor_a, task=assigned_task, period=march, work_done="x", percent="10")


def test_oversized_evidence_is_refused_early(cast, client_for, assigned_task, march, bytes_read, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    report = _report(cast, assigned_task, march)
    big = FakeFile(b"%PDF-1.4\n" + b"0" * (40 * MB))
    response = client_for(cast.editor_a).post(f"/dispatch/reports/{report.pk}/evidence/", {"file": big})
    assert response.status_code == 400
    assert "10MB" in response.content.decode()
    assert bytes_read["read"] < 12 * MB
    assert report.evidence.count() == 0


def test_evidence_under_the_limit_still_uploads(cast, client_for, assigned_task, march, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    report = _report(cast, assigned_task, march)
    small = FakeFile(b"%PDF-1.4\n" + b"0" * (2 * MB))
    response = client_for(cast.editor_a).post(f"/dispatch/reports/{report.pk}/evidence/", {"file": small})
    assert response.status_code == 302 and report.evidence.count() == 1


class FakeFile:
    """A named in-memory file for the test client's multipart encoder."""

    def __init__(self, content: bytes, name: str = "evidence.pdf"):
        import io

        self._io, self.name = io.BytesIO(content), name

    def read(self, *args):
        return self._io.read(*args)
