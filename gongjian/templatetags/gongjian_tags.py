from django import template

register = template.Library()

# How the audit trail reads to a person (events not listed show their code).
EVENT_LABELS = {
    "task.create": "创建任务", "task.update": "修改任务", "task.assigned": "交办", "task.in_progress": "开始推进",
    "task.completed": "办结", "task.suspended": "暂停", "task.cancelled": "撤销", "task.schedule_backward": "倒排工期",
    "milestone.create": "添加节点", "milestone.complete": "完成节点", "dependency.create": "添加节点依赖",
    "adjustment.request": "申请调整", "adjustment.approve": "批准调整", "adjustment.reject": "驳回调整",
    "card.override": "人工亮牌", "login": "登录", "logout": "退出", "login.failed": "登录失败",
}
FIELD_LABELS = {
    "title": "名称", "deadline": "办结时限", "lead_unit": "牵头单位", "co_units": "配合单位", "status": "状态",
    "start": "开始日期", "target_value": "目标值", "reason": "理由", "done_on": "完成日期", "planned_date": "计划完成",
    "finish": "完成", "critical": "关键节点", "color": "颜色", "note": "意见", "task": "任务",
}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def event_label(code: str) -> str:
    return EVENT_LABELS.get(code, code)


@register.filter
def audit_changes(changes) -> str:
    """{"deadline": ["2023-06-30", "2023-09-30"], "reason": "…"} → "办结时限：2023-06-30 → 2023-09-30；理由：…"."""
    if not isinstance(changes, dict):
        return ""
    parts = []
    for key, value in changes.items():
        label = FIELD_LABELS.get(key, key)
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list | dict):
            parts.append(f"{label}：{_show(value[0])} → {_show(value[1])}")
        elif value not in ("", None, [], {}):
            parts.append(f"{label}：{_show(value)}")
    return "；".join(parts)


def _show(value) -> str:
    if value in (None, ""):
        return "无"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "无"
    return str(value)


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
