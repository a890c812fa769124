"""Grid workers (网格员) report events from their own cells with a photo and location, and verify resolution."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongjian.errors import UserError
from gongjian.frontline import services
from gongjian.frontline.models import Ticket, Visit
from gongjian.org.models import Grid

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_grid_worker_reports_from_his_cell_with_photo_and_location(cast, client_for, grid_worker, grid_cell,
                                                                   categories, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(grid_worker)
    form = client.get("/tickets/grid/new/?category=help").content.decode()
    assert "前垛埠村第1网格" in form and "现场照片" in form and "使用当前位置" in form
    response = client.post("/tickets/grid/new/?category=help", {
        "category_code": "help", "grid": grid_cell.pk, "text": "村头垃圾堆放多日无人清运", "lat": "36.80",
        "lng": "120.40", "photo": SimpleUploadedFile("scene.png", PNG, content_type="image/png")})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.source, ticket.grid, ticket.town, ticket.reporter) == ("grid", grid_cell, cast.unit_a, grid_worker)
    photo = client.get(f"/tickets/{ticket.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert client_for(cast.outsider_b).get(f"/tickets/{ticket.pk}/photo/").status_code == 404


def test_a_photo_must_be_an_image(cast, client_for, grid_worker, grid_cell, categories, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(grid_worker).post("/tickets/grid/new/?category=help", {
        "category_code": "help", "grid": grid_cell.pk, "text": "垃圾堆放",
        "photo": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="image/png")})
    assert response.status_code == 400 and "JPG或PNG" in response.content.decode()
    assert not Ticket.objects.exists()


def test_someone_elses_cell_is_refused(cast, grid_worker, categories, today):
    other = Grid.objects.create(name="姜山村第2网格", level=Grid.Level.GRID, town=cast.unit_a)
    with pytest.raises(UserError) as caught:
        services.ticket_create(actor=grid_worker, category=categories["help"], text="x", source="grid", grid=other)
    assert caught.value.field == "grid"


def test_only_grid_workers_open_the_grid_form(cast, client_for, categories):
    assert client_for(cast.editor_a).get("/tickets/grid/new/").status_code == 403


def test_grid_worker_sees_his_events_and_verifies_resolution(cast, client_for, api_for, grid_worker, grid_cell,
                                                             categories, today):
    ticket = services.ticket_create(actor=grid_worker, category=categories["help"], text="路灯不亮", source="grid",
                                    grid=grid_cell)
    other = services.ticket_create(actor=None, category=categories["help"], text="别处的诉求", source="web",
                                   town=cast.unit_a)
    assert [t["code"] for t in api_for(grid_worker).get("/api/v1/tickets/").json()["results"]] == [ticket.code]
    assert api_for(grid_worker).get(f"/api/v1/tickets/{other.pk}/").status_code == 404
    services.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    services.ticket_sign(actor=cast.editor_a, ticket=ticket)
    services.ticket_reply(actor=cast.editor_a, ticket=ticket, reply="已修复")
    assert api_for(cast.editor_a).post(f"/api/v1/tickets/{ticket.pk}/visit/",
                                       {"resolved": True, "satisfaction": "satisfied"}, format="json").status_code == 403
    response = client_for(grid_worker).post(f"/tickets/{ticket.pk}/visit/", {"resolved": "yes",
                                                                             "satisfaction": "satisfied"})
    assert response.status_code == 302
    visit = Visit.objects.get(ticket=ticket)
    assert (visit.kind, visit.by, Ticket.objects.get(pk=ticket.pk).state) == ("grid", grid_worker, "visited")


def test_grid_worker_reports_through_the_api(cast, api_for, grid_worker, grid_cell, categories, today):
    response = api_for(grid_worker).post("/api/v1/tickets/", {"category": "help", "text": "井盖缺失",
                                                              "grid": grid_cell.pk}, format="json")
    assert response.status_code == 201 and response.json()["source"] == "grid"
