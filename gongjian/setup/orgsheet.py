"""Units and people from one .xlsx (two sheets, 单位 and 人员): a template with drop-downs, an all-or-nothing import
with a dry run and every error by sheet, row and column, and an export of the same shape.

Rows are matched on unit name and username, so an exported workbook can be edited and imported again. Imported people
get an account that cannot log in (no usable password) until the security administrator issues a one-time password;
the sheet may grant business roles only, never a 三员 role, and never touches an administrator's account."""

import re
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from gongjian.audit.services import record
from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.errors import UserError
from gongjian.org.models import ADMIN_ROLES, Person, Role, RoleGrant, Unit, UnitDuty
from gongjian.org.services import RESERVED_USERNAMES
from gongjian.types import User
from gongjian.xlsx import CellError, Column, SheetSpec, column_letter, read_table, write_table

UNITS_SHEET = "单位"
PEOPLE_SHEET = "人员"
KIND_BY_LABEL = {label: value for value, label in Unit.Kind.choices}
DUTY_BY_LABEL = {label: value for value, label in UnitDuty.choices}
BUSINESS_ROLES = [r for r in Role if r not in ADMIN_ROLES]
ROLE_BY_LABEL = {r.label: r.value for r in BUSINESS_ROLES}
AREA_SEPARATOR = "/"
_PHONE = re.compile(r"\+?[0-9][0-9-]{6,19}")
_LIST_SPLIT = re.compile(r"[、,，;；\n]")

UNIT_COLUMNS = [
    Column("name", "单位名称", "text", required=True, max_length=100),
    Column("short_name", "简称", "text", max_length=30),
    Column("kind", "类型", "choice", required=True, choices=list(KIND_BY_LABEL)),
    Column("parent", "上级单位", "text", max_length=100),
    Column("duty_list", "权责清单", "text", max_length=5000),
]

PEOPLE_COLUMNS = [
    Column("username", "用户名", "text", required=True, max_length=150),
    Column("display_name", "称呼", "text", required=True, max_length=60),
    Column("unit", "所在单位", "text", required=True, max_length=100),
    Column("post", "职务", "text", max_length=60),
    Column("phone", "手机", "text", max_length=20),
    Column("email", "电子邮箱", "text", max_length=254),
    Column("wecom_userid", "政务微信账号", "text", max_length=64),
    Column("dingtalk_userid", "钉钉账号", "text", max_length=64),
    Column("unit_duty", "单位内职责", "choice", choices=list(DUTY_BY_LABEL)),
    Column("roles", "角色", "multi_choice", choices=list(ROLE_BY_LABEL)),
    Column("is_city_leader", "市级领导", "bool"),
    Column("is_principal_leader", "主要领导", "bool"),
    Column("oversees", "分管单位", "text", max_length=4000),
    Column("focus_areas", "分管重点方向", "text", max_length=4000),
]

NOTE = ("第2行起为示例，导入前请删除或覆盖。“上级单位”“所在单位”“分管单位”填单位全称，可以是本文件“单位”表中的单位；"
        "多个值以顿号“、”分隔。“分管重点方向”写作 攻坚行动名称/重点方向，没有攻坚行动时留空。"
        "导入的人员暂不能登录，由安全管理员发放一次性密码后启用。")


def _letter(columns: list[Column], key: str) -> str:
    return column_letter([c.key for c in columns].index(key) + 1)


def template() -> bytes:
    units = [
        {"name": "某某县人民政府", "short_name": "县政府", "kind": Unit.Kind.LEADERSHIP.label},
        {"name": "县委县政府督查室", "short_name": "督查室", "kind": Unit.Kind.LEADERSHIP.label,
         "parent": "某某县人民政府"},
        {"name": "城关镇", "short_name": "城关", "kind": Unit.Kind.TOWN.label, "parent": "某某县人民政府",
         "duty_list": "辖区 属地管理"},
        {"name": "县发展和改革局", "short_name": "发改局", "kind": Unit.Kind.DEPARTMENT.label,
         "parent": "某某县人民政府", "duty_list": "项目谋划 重点项目 投资计划"},
    ]
    people = [
        {"username": "xianzhang", "display_name": "县长", "unit": "某某县人民政府", "post": "县委副书记、县长",
         "roles": [Role.CITY_LEADER.label], "is_city_leader": True, "is_principal_leader": True},
        {"username": "changwu", "display_name": "常务副县长", "unit": "某某县人民政府", "post": "常务副县长",
         "roles": [Role.CITY_LEADER.label], "is_city_leader": True, "oversees": "县发展和改革局、城关镇"},
        {"username": "cgz_liaison", "display_name": "城关镇督查联络员", "unit": "城关镇", "post": "党政办主任",
         "phone": "13800000000", "unit_duty": UnitDuty.LIAISON.label, "roles": [Role.UNIT_EDITOR.label]},
    ]
    return write_table([
        SheetSpec(title=UNITS_SHEET, columns=UNIT_COLUMNS, rows=units, dropdowns=True, sample_note=NOTE),
        SheetSpec(title=PEOPLE_SHEET, columns=PEOPLE_COLUMNS, rows=people, dropdowns=True, sample_note=NOTE),
    ])


def export() -> bytes:
    kinds, duties = dict(Unit.Kind.choices), dict(UnitDuty.choices)

    def unit_rows():
        for u in Unit.objects.select_related("parent").order_by("order", "id"):
            yield {"name": u.name, "short_name": u.short_name, "kind": kinds[u.kind],
                   "parent": u.parent.name if u.parent_id else "", "duty_list": u.duty_list}

    def people_rows():
        admins = RoleGrant.objects.filter(role__in=ADMIN_ROLES).values("user_id")
        people = (Person.objects.exclude(user_id__in=admins).select_related("user", "unit")
                  .prefetch_related("user__role_grants", "oversees", "overseen_focus_areas__campaign").order_by("id"))
        for p in people:
            yield {
                "username": p.user.username, "display_name": p.display_name, "unit": p.unit.name if p.unit_id else "",
                "post": p.post, "phone": p.phone, "email": p.email, "wecom_userid": p.wecom_userid,
                "dingtalk_userid": p.dingtalk_userid, "unit_duty": duties.get(p.unit_duty, ""),
                "roles": [Role(g.role).label for g in p.user.role_grants.all()],
                "is_city_leader": p.is_city_leader, "is_principal_leader": p.is_principal_leader,
                "oversees": "、".join(u.name for u in p.oversees.all()),
                "focus_areas": "、".join(f"{a.campaign.name}{AREA_SEPARATOR}{a.title}"
                                         for a in p.overseen_focus_areas.all()),
            }

    return write_table([
        SheetSpec(title=UNITS_SHEET, columns=UNIT_COLUMNS, rows=unit_rows(), dropdowns=False),
        SheetSpec(title=PEOPLE_SHEET, columns=PEOPLE_COLUMNS, rows=people_rows(), dropdowns=False),
    ])


@dataclass
class OrgImportResult:
    units: int = 0
    people: int = 0
    created_units: int = 0
    updated_units: int = 0
    created_people: int = 0
    updated_people: int = 0
    errors: list[tuple[str, CellError]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ok": not self.errors, "units": self.units, "people": self.people,
            "created_units": self.created_units, "updated_units": self.updated_units,
            "created_people": self.created_people, "updated_people": self.updated_people,
            "errors": [{"sheet": sheet, "row": e.row, "column": e.column, "letter": e.letter, "message": e.message}
                       for sheet, e in self.errors],
        }

    def messages(self) -> list[str]:
        return [e.message if e.row == 0 else f"「{sheet}」表第{e.row}行 {e.letter}列「{e.column}」：{e.message}"
                for sheet, e in self.errors]


def _split(text: str | None) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in _LIST_SPLIT.split(text or "") if p.strip()))


class _Checker:
    def __init__(self, result: OrgImportResult):
        self.result = result

    def unit_error(self, row: int, key: str, message: str) -> None:
        column = next(c for c in UNIT_COLUMNS if c.key == key)
        self.result.errors.append((UNITS_SHEET, CellError(row, column.header, _letter(UNIT_COLUMNS, key),
                                                          f"第{row}行「{column.header}」{message}")))

    def person_error(self, row: int, key: str, message: str) -> None:
        column = next(c for c in PEOPLE_COLUMNS if c.key == key)
        self.result.errors.append((PEOPLE_SHEET, CellError(row, column.header, _letter(PEOPLE_COLUMNS, key),
                                                           f"第{row}行「{column.header}」{message}")))


def _read(data: bytes, columns: list[Column], sheet: str, result: OrgImportResult) -> list[dict]:
    parsed = read_table(data, columns, sheet=sheet)
    result.errors.extend((sheet, e) for e in parsed.errors)
    return parsed.rows


def import_org(*, actor: User, data: bytes, commit: bool) -> OrgImportResult:
    """Validate both sheets completely; write nothing unless every row is good and `commit` is set."""
    result = OrgImportResult()
    unit_rows = _read(data, UNIT_COLUMNS, UNITS_SHEET, result)
    people_rows = _read(data, PEOPLE_COLUMNS, PEOPLE_SHEET, result)
    result.units, result.people = len(unit_rows), len(people_rows)
    if not unit_rows and not people_rows and not result.errors:
        raise UserError("文件中没有单位或人员数据", "empty")
    check = _Checker(result)
    existing_units = {u.name: u for u in Unit.objects.all()}
    sheet_units = _check_units(unit_rows, existing_units, check)
    known_units = set(existing_units) | set(sheet_units)
    areas = _focus_areas()
    _check_people(people_rows, known_units, areas, check)
    result.errors.sort(key=lambda item: (item[0] != UNITS_SHEET, item[1].row, item[1].letter))
    if result.errors or not commit:
        return result
    with transaction.atomic():
        _write(actor=actor, unit_rows=unit_rows, people_rows=people_rows, areas=areas, result=result)
    return result


def _check_units(rows: list[dict], existing: dict[str, Unit], check: _Checker) -> dict[str, dict]:
    seen: dict[str, dict] = {}
    for row in rows:
        name = row.get("name")
        if not name:
            continue
        if name in seen:
            check.unit_error(row["_row"], "name", f"“{name}”与第{seen[name]['_row']}行重复")
        else:
            seen[name] = row
    parents = {name: (row.get("parent") or None) for name, row in seen.items()}
    for name, unit in existing.items():
        if name not in parents:
            parents[name] = unit.parent.name if unit.parent_id else None
    for name, row in seen.items():
        parent = row.get("parent")
        if not parent:
            continue
        if parent == name:
            check.unit_error(row["_row"], "parent", "不能是单位自己")
        elif parent not in parents:
            check.unit_error(row["_row"], "parent", f"“{parent}”既不在本表中，也不是已有单位")
        elif _cycles(name, parents):
            check.unit_error(row["_row"], "parent", f"“{parent}”会使上下级关系形成循环")
    return seen


def _cycles(start: str, parents: dict[str, str | None]) -> bool:
    seen, name = set(), start
    while name is not None:
        if name in seen:
            return True
        seen.add(name)
        name = parents.get(name)
    return False


def _focus_areas() -> dict[str, FocusArea]:
    return {f"{a.campaign.name}{AREA_SEPARATOR}{a.title}": a
            for a in FocusArea.objects.select_related("campaign")}


def _check_people(rows: list[dict], units: set[str], areas: dict[str, FocusArea], check: _Checker) -> None:
    admins = set(RoleGrant.objects.filter(role__in=ADMIN_ROLES).values_list("user__username", flat=True))
    campaigns = set(Campaign.objects.values_list("name", flat=True))
    seen: dict[str, int] = {}
    validate_username = UnicodeUsernameValidator()
    for row in rows:
        n = row["_row"]
        username = row.get("username")
        if username:
            try:
                validate_username(username)
            except ValidationError:
                check.person_error(n, "username", "只能包含字母、数字和 @ . + - _")
            if username.lower() in RESERVED_USERNAMES:
                check.person_error(n, "username", f"“{username}”是保留的默认账户名，不允许使用")
            if username in admins:
                check.person_error(n, "username", f"“{username}”是三员账户，不能通过导入修改")
            if username in seen:
                check.person_error(n, "username", f"“{username}”与第{seen[username]}行重复")
            seen.setdefault(username, n)
        if row.get("unit") and row["unit"] not in units:
            check.person_error(n, "unit", f"“{row['unit']}”不是已有单位，也不在「单位」表中")
        if row.get("phone") and not _PHONE.fullmatch(row["phone"]):
            check.person_error(n, "phone", f"“{row['phone']}”不是有效的电话号码")
        if row.get("email"):
            try:
                validate_email(row["email"])
            except ValidationError:
                check.person_error(n, "email", f"“{row['email']}”不是有效的电子邮箱")
        leader = bool(row.get("is_city_leader")) or Role.CITY_LEADER.label in (row.get("roles") or [])
        overseen = _split(row.get("oversees"))
        unknown = [name for name in overseen if name not in units]
        if unknown:
            check.person_error(n, "oversees", f"{'、'.join(unknown)}不是已有单位，也不在「单位」表中")
        if (overseen or row.get("focus_areas") or row.get("is_principal_leader")) and not leader:
            key = "oversees" if overseen else "focus_areas" if row.get("focus_areas") else "is_principal_leader"
            check.person_error(n, key, "只有市级领导才能分管或担任主要领导，请在「市级领导」填“是”")
        for item in _split(row.get("focus_areas")):
            if item in areas:
                continue
            campaign, _, title = item.partition(AREA_SEPARATOR)
            if not title:
                check.person_error(n, "focus_areas", f"“{item}”应写作 攻坚行动名称/重点方向")
            elif campaign not in campaigns:
                check.person_error(n, "focus_areas", f"没有名为“{campaign}”的攻坚行动")
            else:
                check.person_error(n, "focus_areas", f"攻坚行动“{campaign}”中没有重点方向“{title}”")


def _write(*, actor, unit_rows, people_rows, areas, result: OrgImportResult) -> None:
    units = {u.name: u for u in Unit.objects.select_for_update()}
    next_order = max((u.order for u in units.values()), default=0)
    for row in unit_rows:
        values = {"short_name": row.get("short_name") or "", "kind": KIND_BY_LABEL[row["kind"]],
                  "duty_list": row.get("duty_list") or ""}
        unit = units.get(row["name"])
        if unit is None:
            next_order += 1
            unit = units[row["name"]] = Unit.objects.create(name=row["name"], order=next_order, **values)
            result.created_units += 1
        else:
            for key, value in values.items():
                setattr(unit, key, value)
            unit.save()
            result.updated_units += 1
    for row in unit_rows:  # parents after every unit exists, so a child may come before its parent
        unit = units[row["name"]]
        parent = units[row["parent"]] if row.get("parent") else None
        if unit.parent_id != (parent.pk if parent else None):
            unit.parent = parent
            unit.save(update_fields=["parent"])
    users = {u.username: u for u in User.objects.filter(username__in=[r["username"] for r in people_rows])}
    for row in people_rows:
        _write_person(row, users.get(row["username"]), units, areas, result)
    record(actor=actor, event="org.import", object_type="org.unit",
           changes={"created_units": result.created_units, "updated_units": result.updated_units,
                    "created_people": result.created_people, "updated_people": result.updated_people})


def _write_person(row: dict, user, units: dict[str, Unit], areas: dict[str, FocusArea], result) -> None:
    roles = {ROLE_BY_LABEL[label] for label in row.get("roles") or []}
    leader = bool(row.get("is_city_leader")) or Role.CITY_LEADER in roles
    if leader:
        roles.add(Role.CITY_LEADER)
    values = {
        "display_name": row["display_name"], "unit": units[row["unit"]], "post": row.get("post") or "",
        "phone": row.get("phone") or "", "email": row.get("email") or "",
        "wecom_userid": row.get("wecom_userid") or "", "dingtalk_userid": row.get("dingtalk_userid") or "",
        "unit_duty": DUTY_BY_LABEL.get(row.get("unit_duty") or "", ""), "is_city_leader": leader,
        "is_principal_leader": bool(row.get("is_principal_leader")),
    }
    if user is None:
        user = User(username=row["username"])
        user.set_unusable_password()
        user.save()
        person = Person.objects.create(user=user, **values)
        result.created_people += 1
    else:
        person, _ = Person.objects.update_or_create(user=user, defaults=values)
        result.updated_people += 1
    current = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    RoleGrant.objects.filter(user=user, role__in=current - roles).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles - current])
    person.oversees.set([units[name] for name in _split(row.get("oversees"))])
    wanted = [areas[item] for item in _split(row.get("focus_areas"))]
    FocusArea.objects.filter(leader=person).exclude(pk__in=[a.pk for a in wanted]).update(leader=None)
    FocusArea.objects.filter(pk__in=[a.pk for a in wanted]).update(leader=person)
