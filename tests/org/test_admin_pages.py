"""The security administrator's user and role pages and the system administrator's import page: who may use them,
what they write, what they refuse, and that every change is audited."""

import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gongjian.audit.models import AuditEvent
from gongjian.org.models import Person, Role, RoleGrant, Unit
from gongjian.setup.orgsheet import template

pytestmark = pytest.mark.django_db


def _one_time_password(response) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', response.content.decode()).group(1)


def test_only_the_security_administrator_reaches_the_account_pages(cast, client_for):
    target = cast.editor_a.pk
    for user in (cast.office, cast.leader, cast.editor_a, cast.system_admin, cast.audit_admin):
        client = client_for(user)
        assert client.get("/org/users/new/").status_code == 403, user
        assert client.get(f"/org/users/{target}/").status_code == 403, user
        assert client.post(f"/org/users/{target}/reset/").status_code == 403, user
        assert client.post(f"/org/users/{target}/roles/", {"roles": ["supervision_office"]}).status_code == 403
    assert not RoleGrant.objects.filter(user=cast.editor_a, role="supervision_office").exists()
    assert Client().get("/org/users/new/").status_code == 302  # anonymous: to the login page
    assert client_for(cast.security_admin).get("/org/users/999999/").status_code == 404


def test_create_account_hands_over_a_one_time_password_that_must_be_changed(cast, client_for):
    secadmin = client_for(cast.security_admin)
    assert "新建账户" in secadmin.get("/org/users/").content.decode()
    response = secadmin.post("/org/users/new/", {"username": "dcs_office", "display_name": "督查室副主任",
                                                 "unit": cast.leadership.pk, "roles": ["supervision_office"]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = _one_time_password(response)
    person = Person.objects.get(user__username="dcs_office")
    assert person.must_change_password and person.user.check_password(password)
    assert list(RoleGrant.objects.filter(user=person.user).values_list("role", flat=True)) == ["supervision_office"]
    event = AuditEvent.objects.get(event="user.create", object_id=str(person.user_id))
    assert event.actor == cast.security_admin and password not in str(event.changes)
    client = Client()
    client.post("/login/", {"username": "dcs_office", "password": password})
    assert client.get("/dispatch/")["Location"].startswith("/password/")


@pytest.mark.parametrize("data,field_text", [
    ({"username": "", "display_name": "x", "roles": []}, "用户名"),
    ({"username": "office", "display_name": "重名", "roles": []}, "已存在"),
    ({"username": "admin", "display_name": "保留名", "roles": []}, "保留"),
    ({"username": "twoadmins", "display_name": "两员", "roles": ["system_admin", "audit_admin"]}, "三员分立"),
    ({"username": "adminbiz", "display_name": "兼任", "roles": ["security_admin", "supervision_office"]}, "业务角色"),
    ({"username": "badrole", "display_name": "x", "roles": ["superuser"]}, "不是可选的角色"),
    ({"username": "nounit", "display_name": "x", "roles": [], "unit": ""}, "单位"),
])
def test_create_account_refusals_are_named_and_write_nothing(cast, client_for, data, field_text):
    secadmin = client_for(cast.security_admin)
    before = (Person.objects.count(), RoleGrant.objects.count())
    response = secadmin.post("/org/users/new/", {"unit": cast.unit_a.pk, **data})
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert (Person.objects.count(), RoleGrant.objects.count()) == before


def test_disable_enable_unlock_and_reset_are_audited(cast, client_for):
    secadmin = client_for(cast.security_admin)
    editor = cast.editor_a
    logged_in = Client()
    logged_in.post("/login/", {"username": "editor_a", "password": cast.password})
    assert secadmin.post(f"/org/users/{editor.pk}/disable/").status_code == 302
    editor.refresh_from_db()
    assert not editor.is_active and logged_in.get("/dispatch/").status_code == 302  # sessions ended
    assert "停用" in secadmin.get(f"/org/users/{editor.pk}/").content.decode()
    assert secadmin.post(f"/org/users/{editor.pk}/enable/").status_code == 302
    Person.objects.filter(user=editor).update(locked_until=timezone.now() + timedelta(minutes=30), failed_logins=0)
    page = secadmin.get(f"/org/users/{editor.pk}/").content.decode()
    assert "解除锁定" in page
    assert secadmin.post(f"/org/users/{editor.pk}/unlock/").status_code == 302
    assert Person.objects.get(user=editor).locked_until is None
    response = secadmin.post(f"/org/users/{editor.pk}/reset/")
    password = _one_time_password(response)
    editor.refresh_from_db()
    assert editor.check_password(password) and editor.person.must_change_password
    events = list(AuditEvent.objects.filter(object_id=str(editor.pk), actor=cast.security_admin)
                  .values_list("event", flat=True))
    assert events == ["user.disable", "user.enable", "user.unlock", "password.reset"]
    assert secadmin.post(f"/org/users/{editor.pk}/explode/").status_code == 400
    assert secadmin.get(f"/org/users/{editor.pk}/disable/").status_code == 405


def test_roles_follow_the_separation_of_duties(cast, client_for):
    secadmin = client_for(cast.security_admin)
    url = f"/org/users/{cast.editor_a.pk}/roles/"
    assert secadmin.post(url, {"roles": ["unit_editor", "security_admin"]}).status_code == 400
    assert secadmin.post(f"/org/users/{cast.system_admin.pk}/roles/",
                         {"roles": ["system_admin", "audit_admin"]}).status_code == 400
    assert set(RoleGrant.objects.filter(user=cast.editor_a).values_list("role", flat=True)) == {"unit_editor"}
    assert secadmin.post(url, {"roles": ["unit_viewer"]}).status_code == 302
    assert set(RoleGrant.objects.filter(user=cast.editor_a).values_list("role", flat=True)) == {"unit_viewer"}
    assert list(AuditEvent.objects.filter(object_id=str(cast.editor_a.pk), event__startswith="role.")
                .values_list("event", flat=True)) == ["role.revoke", "role.grant"]
    # Nobody changes their own account, not even to give themselves a business role.
    own = f"/org/users/{cast.security_admin.pk}/"
    assert secadmin.post(own + "roles/", {"roles": ["security_admin", "supervision_office"]}).status_code == 403
    assert secadmin.post(own + "roles/", {"roles": []}).status_code == 403
    assert secadmin.post(own + "disable/").status_code == 403
    assert secadmin.post(own + "reset/").status_code == 403
    assert "不能修改自己的账户" in secadmin.get(own).content.decode()


def test_import_page_for_the_system_administrator_only(cast, client_for):
    for user in (cast.office, cast.security_admin, cast.audit_admin, cast.editor_a):
        client = client_for(user)
        assert client.get("/org/import/").status_code == 403
        assert client.get("/org/import/template.xlsx").status_code == 403
        assert client.get("/org/export.xlsx").status_code == 403
    sysadmin = client_for(cast.system_admin)
    assert "导入单位与人员" in sysadmin.get("/org/units/").content.decode()
    assert "导入单位与人员" not in client_for(cast.office).get("/org/units/").content.decode()
    assert sysadmin.get("/org/import/template.xlsx")["Content-Type"].startswith("application/vnd.openxml")
    data = template()
    dry = sysadmin.post("/org/import/", {"file": io.BytesIO(data), "commit": "0"})
    assert dry.status_code == 200 and "校验通过" in dry.content.decode()
    assert not Unit.objects.filter(name="城关镇").exists()
    done = sysadmin.post("/org/import/", {"file": io.BytesIO(data), "commit": "1"})
    assert done.status_code == 200 and "新增单位4个" in done.content.decode()
    assert Person.objects.filter(user__username="changwu", is_city_leader=True).exists()
    assert sysadmin.get("/org/export.xlsx").status_code == 200


def test_import_page_shows_row_and_column_and_refuses_garbage(cast, client_for):
    from openpyxl import load_workbook

    sysadmin = client_for(cast.system_admin)
    workbook = load_workbook(io.BytesIO(template()))
    workbook["单位"]["C3"] = "乡"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    response = sysadmin.post("/org/import/", {"file": buffer, "commit": "1"})
    page = response.content.decode()
    assert response.status_code == 400 and "第3行「类型」" in page and "C（类型）" in page
    garbage = sysadmin.post("/org/import/", {"file": io.BytesIO(b"<html>"), "commit": "1"})
    assert garbage.status_code == 400 and "不是有效的Excel" in garbage.content.decode()
    assert sysadmin.post("/org/import/", {"commit": "1"}).status_code == 400
    assert not Unit.objects.filter(name="城关镇").exists()


def test_imported_person_cannot_log_in_until_a_password_is_issued(cast, client_for):
    client_for(cast.system_admin).post("/org/import/", {"file": io.BytesIO(template()), "commit": "1"})
    liaison = Person.objects.get(user__username="cgz_liaison").user
    assert Client().post("/login/", {"username": "cgz_liaison", "password": ""}).status_code == 400
    secadmin = client_for(cast.security_admin)
    assert "发放一次性密码" in secadmin.get(f"/org/users/{liaison.pk}/").content.decode()
    password = _one_time_password(secadmin.post(f"/org/users/{liaison.pk}/reset/"))
    assert Client().post("/login/", {"username": "cgz_liaison", "password": password}).status_code == 302
    assert Role.UNIT_EDITOR in set(RoleGrant.objects.filter(user=liaison).values_list("role", flat=True))
