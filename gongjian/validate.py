"""Checks of what a user sends, shared by every app's services and views (no app imported here)."""

from gongjian.errors import UserError

INT_MAX = 2**63 - 1


def clean_text(value: object, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    """The text stripped; a refusal naming the field when it is required and empty, or longer than `max_length`."""
    text = "" if value is None else (value if isinstance(value, str) else str(value)).strip()
    if required and not text:
        raise UserError(f"「{label}」不能为空", "required", field=field)
    if len(text) > max_length:
        raise UserError(f"「{label}」不能超过{max_length}个字", "too_long", field=field)
    return text


def int_or_none(value: str | int | None) -> int | None:
    """A posted or queried integer; None when absent, not a number, or beyond what the database holds (64 bits)."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if -INT_MAX <= number <= INT_MAX else None
