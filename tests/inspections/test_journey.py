"""At 390 px, as an inspector on site: two findings with photos, one taken far from the project and flagged; both
become rectification items; the unit closes one with evidence; the 督查专报 lists them."""

from io import BytesIO

import pytest
from docx import Document
from playwright.sync_api import expect

from gongjian.inspections.models import Finding, Rectification
from tests.browser.conftest import ARTIFACTS, login

from .conftest import FAR, NEAR, jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, **extra):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", **extra)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _file(upload) -> dict:
    upload.seek(0)
    return {"name": upload.name, "mimeType": "image/jpeg", "buffer": upload.read()}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"inspection-{name}.png"), full_page=True)


def test_inspector_on_site_to_special_report(cast, live_server, browser, inspection, project):
    phone = _phone(browser, geolocation={"latitude": 36.8802, "longitude": 120.5202, "accuracy": 25},
                   permissions=["geolocation"])
    login(phone, live_server.url, "office", cast.password)
    for description, where, name in (("主体厂房仅完成基础，与填报不符", NEAR, "near.jpg"),
                                     ("施工现场围挡缺失", FAR, "far.jpg")):
        phone.goto(f"{live_server.url}/inspections/{inspection.pk}/")
        phone.click(f"a[href='/inspections/{inspection.pk}/check/{project.pk}/']")
        # A locator assertion, not wait_for_function: the page's CSP forbids the eval that a polled string needs.
        expect(phone.locator("input[name=latitude]")).not_to_have_value("")
        phone.fill("textarea[name=description]", description)
        phone.fill("input[name=progress_seen]", "30")
        phone.set_input_files("input[name=photos]", files=[_file(jpeg(at=where, name=name))])
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        _shot(phone, "record")
        phone.click("#finding-form button")
        phone.wait_for_load_state("networkidle")
        assert "已记录发现" in phone.content()
    assert "位置不符" in phone.content()
    _shot(phone, "findings")
    near, far = Finding.objects.order_by("id")
    assert float(near.accuracy_m) == 25 and near.latitude is not None
    assert far.photos.get().verdict == "far" and near.photos.get().verdict == "match"

    for finding in (near, far):
        phone.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
        phone.fill("input[name=deadline]", "2023-04-28")
        phone.click("#rectify-form button")
        phone.wait_for_load_state("networkidle")
        assert "已交办" in phone.content()
    assert Rectification.objects.count() == 2

    unit = _phone(browser)
    login(unit, live_server.url, "editor_a", cast.password)
    unit.goto(f"{live_server.url}/inspections/findings/{near.pk}/")
    assert "位置" not in unit.inner_text(".photo-verdict") if unit.query_selector(".photo-verdict") else True
    unit.fill("textarea[name=note]", "已按要求更正填报并倒排工期")
    unit.set_input_files("input[name=evidence]", files=[_file(jpeg(at=NEAR, name="done.jpg"))])
    unit.click("#close-form button")
    unit.wait_for_load_state("networkidle")
    assert "已报送整改完成" in unit.content()
    _shot(unit, "closed")

    phone.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    with phone.expect_download() as download:
        phone.click(f"a[href='/inspections/{inspection.pk}/report.docx']")
    with open(download.value.path(), "rb") as handle:
        text = "\n".join(p.text for p in Document(BytesIO(handle.read())).paragraphs)
    assert "主体厂房仅完成基础" in text and "施工现场围挡缺失" in text
    assert "已整改" in text and "位置不符" in text
    phone.context.close()
    unit.context.close()
