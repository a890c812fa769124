"""Who sees the delivery log: the supervision office. Signing by link needs no login: the link is the proof."""

from gongjian.org.access import is_office, require


def require_delivery_log(user) -> None:
    require(is_office(user), "只有督查室可以查看消息发送记录")


def can_see_delivery_log(user) -> bool:
    return is_office(user)
