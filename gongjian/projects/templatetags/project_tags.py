from decimal import Decimal

from django import template
from django.utils.html import format_html

from gongjian.projects.calc import one_decimal, time_progress_phrase, wan

register = template.Library()
CARD_WORDS = {"red": "红", "yellow": "黄", "green": "绿"}


@register.filter
def wan2(yuan):
    """Yuan → 万元 with two decimals and thousands separators (tables)."""
    if yuan in (None, ""):
        return "—"
    return f"{wan(Decimal(yuan)):,.2f}"


@register.filter
def yuan(value):
    """Exact yuan for detail views."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def pct(value):
    if value is None:
        return "—"
    return f"{one_decimal(Decimal(value))}%"


@register.filter
def points_phrase(points):
    return time_progress_phrase(points)


@register.simple_tag
def card_badge(color, text=""):
    """A card colour always with its word beside it (colour-blind readers, black-and-white print)."""
    if color not in CARD_WORDS:
        return format_html('<span class="text-muted{}">{}</span>', "" if text else " text-nowrap", text or "未亮牌")
    word = CARD_WORDS[color]
    return format_html('<span class="badge-card card-{}">{}{}</span>', color, word, f" · {text}" if text else "")
