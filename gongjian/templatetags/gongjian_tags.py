from django import template

register = template.Library()

# How the audit trail reads to a person. An event is "noun.verb"; events not listed read from their two parts.
EVENT_LABELS = {
    "task.create": "创建任务", "task.update": "修改任务", "task.assigned": "交办", "task.in_progress": "开始推进",
    "task.completed": "办结", "task.suspended": "暂停", "task.cancelled": "撤销", "task.schedule_backward": "倒排工期",
    "milestone.create": "添加节点", "milestone.complete": "完成节点", "dependency.create": "添加节点依赖",
    "adjustment.request": "申请调整", "adjustment.approve": "批准调整", "adjustment.reject": "驳回调整",
    "card.override": "人工亮牌", "login": "登录", "logout": "退出", "login.failed": "登录失败", "export": "导出",
    "supervision.run": "每日督查", "ticket.sla_run": "工单时限检查", "frontline.demo_load": "加载演示工单",
    "routing.train": "训练派单模型", "idea.points": "金点子积分", "adjustment.add": "录入更正分",
    "category.attribute_create": "新增分类属性", "project_ledger.export": "导出项目台账",
    "setup.init": "系统初始化", "org.import": "导入单位与人员", "user.enable": "启用用户", "user.disable": "停用用户",
    "workday.year_set": "录入全年工作日历", "campaign.settings": "修改攻坚行动设置",
    # Ticket 派单 was recorded as ticket.dispatch before it became ticket.assign; the chain keeps the old rows.
    "ticket.assign": "派单", "ticket.dispatch": "派单", "ticket.reassign": "改派",
}
NOUNS = {
    "task": "任务", "milestone": "节点", "dependency": "节点依赖", "adjustment": "调整", "card": "亮牌",
    "focus_area": "重点方向", "campaign": "攻坚行动", "project": "项目", "project_figures": "项目数据",
    "project_ledger": "项目台账", "idea": "金点子", "ticket": "诉求工单", "blocker": "要素保障事项", "report": "进展填报",
    "ranking": "考核结果", "scheme": "考核方案", "bulletin": "通报", "annual_goal": "年度目标",
    "annual_report": "年度汇报", "category": "诉求分类", "evaluation": "考核评价", "battle_target": "作战目标",
    "user": "用户", "role": "角色", "unit": "单位", "notice": "督办通知", "password": "密码", "workday": "工作日",
    "rule": "督查规则", "person": "人员", "grid": "网格", "correction": "更正", "evidence": "佐证材料",
    "open311_key": "接口密钥", "session": "会话", "robot_hook": "群机器人",
}
VERBS = {
    "create": "新建", "update": "修改", "delete": "删除", "submit": "提交", "approve": "通过", "return": "退回",
    "reject": "不予采纳", "accept": "采纳", "evaluate": "评价", "compute": "计算", "publish": "发布", "export": "导出",
    "complete": "完成", "raise": "提出", "add": "录入", "set": "设置", "approvals_set": "设置审批手续",
    "funding_set": "设置资金", "plan_set": "设置计划", "assign": "交办", "close": "办结",
    "reopen": "重新办理", "resolve": "解决", "revoke": "吊销", "lock": "锁定", "unlock": "解锁", "grant": "授权",
    "denied": "被拒绝", "escalate": "升级", "answer": "答复", "acknowledge": "签收", "attribute_create": "新增属性",
    "change": "修改", "reset": "重置", "import": "导入", "upload": "上传", "correct": "更正",
}
FIELD_LABELS = {
    "title": "名称", "name": "名称", "deadline": "办结时限", "lead_unit": "牵头单位", "co_units": "配合单位",
    "status": "状态", "state": "状态", "start": "开始日期", "target_value": "目标值", "reason": "理由",
    "done_on": "完成日期", "planned_date": "计划完成", "finish": "完成", "color": "颜色", "note": "意见",
    "year": "年度", "percent": "进度", "period": "周期", "unit": "单位", "username": "账号", "roles": "角色",
    "display_name": "姓名", "count": "数量", "rows": "行数", "points": "分值", "format": "格式", "file": "文件",
    "lead_leader": "牵头领导", "kind": "类别", "category": "分类", "label": "期间", "total": "合计", "path": "页面",
    "created_units": "新增单位", "updated_units": "更新单位", "created_people": "新增人员", "updated_people": "更新人员",
    "accounts": "账户", "holidays": "放假", "makeup": "调休上班", "replaced": "替换原有调整", "one_time": "一次性密码",
    "sessions_ended": "结束会话", "is_active": "启用", "locked_until": "锁定至",
    "report_due_workday": "月度填报截止（次月第几个工作日）", "remind_days_before": "截止前几个工作日提醒",
}
# Keys that hold internal ids or technical detail: the page the history sits on already says what they point at.
SKIPPED_KEYS = {"task", "successor", "predecessor", "lag", "id", "pk", "object_id", "query"}
FILE_KINDS = {"spreadsheet": "Excel表格", "wordprocessing": "Word文档", "pdf": "PDF文件", "csv": "CSV文件", "zip": "压缩包"}
DEPENDENCY_TYPES = {"FS": "完成后开始", "SS": "同时开始", "FF": "同时完成", "SF": "开始后完成"}


def _choice_labels() -> dict[str, str]:
    from django.apps import apps

    labels: dict[str, str] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and value:
                    labels.setdefault(value, str(label))
    return labels


_CHOICES: dict[str, str] = {}


def choice_label(value: str) -> str:
    if not _CHOICES:
        _CHOICES.update(_choice_labels())
    return _CHOICES.get(value, value)


@register.filter
def event_label(code: str) -> str:
    if code in EVENT_LABELS:
        return EVENT_LABELS[code]
    noun, _, verb = code.partition(".")
    if noun in NOUNS and verb in VERBS:
        return f"{VERBS[verb]}{NOUNS[noun]}"
    if noun in NOUNS:
        return f"{NOUNS[noun]}操作"
    return "其他操作"


@register.filter
def object_label(event) -> str:
    """What an audit event touched, in words: "任务「建强姜山园区」" rather than "campaigns.task 20"."""
    if not event.object_type:
        return ""
    try:
        from django.apps import apps

        noun = str(apps.get_model(event.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        noun = "对象"
    if noun.isascii():
        noun = NOUNS.get(event.object_type.rpartition(".")[2], "对象")
    return f"{noun}「{event.object_repr}」" if event.object_repr and not event.object_repr.isascii() else noun


@register.filter
def actor_label(event) -> str:
    """The person's name, not the login name."""
    actor = event.actor
    person = getattr(actor, "person", None) if actor is not None else None
    if person is not None and person.display_name:
        return person.display_name
    return event.actor_name or "系统"


@register.filter
def audit_changes(changes, event: str = "") -> str:
    """{"deadline": ["2023-06-30", "2023-09-30"], "reason": "…"} → "办结时限：2023-06-30 → 2023-09-30；理由：…".
    On a creation, a two-item list is two values, not a change from one to the other."""
    if not isinstance(changes, dict):
        return ""
    creating = event.endswith((".create", ".add", ".submit"))
    parts = []
    for key, value in changes.items():
        if key in SKIPPED_KEYS:
            continue
        label = FIELD_LABELS.get(key, "")
        if key == "critical" and isinstance(value, list):
            parts.append(f"关键路径节点{len(value)}个")
            continue
        if key == "content_type":
            kind = next((name for part, name in FILE_KINDS.items() if part in str(value)), None)
            if kind:
                parts.append(f"格式：{kind}")
            continue
        if key == "type" and value in DEPENDENCY_TYPES:
            parts.append(f"依赖方式：{DEPENDENCY_TYPES[value]}")
            continue
        if (not creating and isinstance(value, list) and len(value) == 2
                and not isinstance(value[0], dict) and not isinstance(value[1], dict)):
            parts.append(f"{label or '内容'}：{_show(value[0])} → {_show(value[1])}")
        elif value not in ("", None, [], {}):
            parts.append(f"{label}：{_show(value)}" if label else _show(value))
    return "；".join(p for p in parts if p)


def _show(value) -> str:
    if value in (None, "", []):
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_show(v) for v in value) or "无"
    if isinstance(value, dict):
        return "，".join(f"{FIELD_LABELS[k]}{_show(v)}" for k, v in value.items() if k in FIELD_LABELS) or "详见记录"
    if isinstance(value, str):
        return choice_label(value)
    return str(value)


@register.filter
def money(wan) -> str:
    """万元 as official documents write it: 120.49亿元 from one 亿 up, otherwise 1,204,875.72万元 below."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(str(wan))
    except (InvalidOperation, ValueError):
        return "—"
    if abs(value) >= 10000:
        return f"{value / 10000:,.2f}亿元"
    return f"{value:,.2f}万元"


@register.filter
def wan_yuan(wan) -> str:
    """万元 with thousands separators: 1,204,875.72万元."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(str(wan)):,.2f}万元"
    except (InvalidOperation, ValueError):
        return "—"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def weekday_note(day) -> str:
    """After a date whose year has no holiday table: say that its working days were counted Monday to Friday."""
    if not day:
        return ""
    from django.utils.html import format_html

    from gongjian.workdays import days

    if not days.calendar().uncovered_years([day.year]):
        return ""
    return format_html('<span class="text-muted small weekday-note">（{}年节假日未录入，按周一至周五计算）</span>',
                       day.year)


NOT_FILTERS = {"sort", "page", "export", "group"}


@register.simple_tag(takes_context=True)
def active_filters(context) -> str:
    """The folded filter panel's count on a phone: how many filters the query string sets."""
    request = context.get("request")
    if request is None:
        return ""
    n = sum(1 for name in request.GET if name not in NOT_FILTERS and any(v.strip() for v in request.GET.getlist(name)))
    return f"（已选 {n} 项）" if n else ""
