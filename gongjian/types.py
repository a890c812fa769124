"""Types the apps' services share (no app imported here)."""

from typing import TypeAlias

from django.contrib.auth import models as auth_models

# Who performs a write. The platform keeps Django's own user model (no AUTH_USER_MODEL), so this is
# `get_user_model()` as a type. A service the platform itself calls (a command, the daily run) takes `User | None`.
User: TypeAlias = auth_models.User
