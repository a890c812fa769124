"""Password rules of 等保 2.0 that Django's validators do not cover (docs/security.md)."""

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def _classes_in(password: str) -> int:
    found = sum(any(c in chars for c in password) for chars in _CLASSES)
    found += any(not c.isalnum() for c in password)
    return found


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes_in(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。", code="password_classes"
            )

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(f"密码不能超过{self.max_length}个字符。", code="password_too_long")

    def get_help_text(self):
        return f"密码不超过{self.max_length}个字符。"


class HistoryValidator:
    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = user.password_history.all()[: settings.PASSWORD_HISTORY]
        if any(check_password(password, entry.password) for entry in recent):
            raise ValidationError(
                f"不能使用最近{settings.PASSWORD_HISTORY}次用过的密码。", code="password_reused"
            )

    def get_help_text(self):
        return f"不能与最近{settings.PASSWORD_HISTORY}次的密码相同。"
