"""Writes about units, people, roles and logins. Each is keyword-only, atomic and audited."""

import logging
import secrets
import string
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import login, logout, password_validation
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import get_random_string

from gongjian.audit.context import current_ip
from gongjian.audit.services import record
from gongjian.errors import UserError
from gongjian.org.models import ADMIN_ROLES, ApiToken, PasswordHistory, Person, Role, RoleGrant, Unit, UserSession
from gongjian.types import User

logger = logging.getLogger("gongjian.org")

LOGIN_REFUSED = "用户名或密码错误，或账户已被锁定，请稍后再试。"
LOGIN_THROTTLED = "登录失败次数过多，请稍后再试。"
_DUMMY_HASHES: dict[str | None, str] = {}
RESERVED_USERNAMES = {"admin", "root", "test", "administrator", "guest", "user"}


def _end_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


def _register_failure(person: Person, now: datetime) -> bool:
    """Count a failed login inside the window; return True when this failure locks the account."""
    window = timedelta(minutes=settings.LOCKOUT_WINDOW_MINUTES)
    if person.first_failure_at is None or now - person.first_failure_at > window:
        person.first_failure_at = now
        person.failed_logins = 0
    person.failed_logins += 1
    locks = person.failed_logins >= settings.LOCKOUT_FAILURES
    if locks:
        person.locked_until = now + timedelta(minutes=settings.LOCKOUT_MINUTES)
        person.failed_logins = 0
        person.first_failure_at = None
    person.save(update_fields=["failed_logins", "first_failure_at", "locked_until"])
    return locks


def _dummy_check(password: str) -> None:
    """Spend the time one password check costs, so that an unknown or locked name answers as slowly as a wrong
    password (the hash is made once per hasher with a random password that nothing can match)."""
    algorithm = get_hasher().algorithm
    if algorithm not in _DUMMY_HASHES:
        _DUMMY_HASHES[algorithm] = make_password(get_random_string(32))
    check_password(password, _DUMMY_HASHES[algorithm])


def _address_key() -> str:
    return f"login-failures:{current_ip.get() or 'unknown'}"


def _address_throttled() -> bool:
    return (cache.get(_address_key()) or 0) >= settings.LOGIN_ADDRESS_FAILURES


def _count_address_failure() -> None:
    key = _address_key()
    if not cache.add(key, 1, timeout=settings.LOCKOUT_WINDOW_MINUTES * 60):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=settings.LOCKOUT_WINDOW_MINUTES * 60)


def session_login(*, request: HttpRequest, username: str, password: str) -> User:
    """Check credentials with lockout; on success rotate the session key and remember it for the user.

    A locked account is refused even with the right password, with the same message as a wrong one. Failures
    commit their count and audit rows before the refusal is raised, so that the refusal cannot roll them back."""
    now = timezone.now()
    username = (username or "").strip()[:150]
    if _address_throttled():
        _dummy_check(password)
        with transaction.atomic():
            record(actor=None, actor_name=f"{username[:2]}***", event="login.throttled", object_type="auth.user",
                   success=False)
        raise UserError(LOGIN_THROTTLED, "throttled", status=429)
    refused = False
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        person = Person.objects.select_for_update().filter(user=user).first() if user else None
        if user is not None and person is None:
            _log_missing_person(user)
        if user is None or person is None:
            _dummy_check(password)
            # People type their password into the username box; an unknown name is kept only in part.
            record(actor=None, actor_name=f"{username[:2]}***（未知用户）", event="login.failed",
                   object_type="auth.user", success=False)
            refused = True
        elif person.locked_until and person.locked_until > now:
            _dummy_check(password)
            record(actor=None, actor_name=username, event="login.locked_refused", obj=user, success=False)
            refused = True
        elif not user.check_password(password) or not user.is_active:
            locked = _register_failure(person, now)
            record(actor=None, actor_name=username, event="login.failed", obj=user, success=False)
            if locked:
                record(actor=None, actor_name=username, event="login.locked", obj=user, success=False,
                       changes={"locked_until": person.locked_until})
            refused = True
        else:
            person.failed_logins = 0
            person.first_failure_at = None
            person.locked_until = None
            person.save(update_fields=["failed_logins", "first_failure_at", "locked_until"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["login_at"] = now.timestamp()
            request.session["seen_at"] = now.timestamp()
            request.session.save()
            UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)
            record(actor=user, event="login", obj=user)
    if refused:
        _count_address_failure()
        raise UserError(LOGIN_REFUSED, "login_failed")
    assert user is not None  # every refusal raised above
    return user


def session_logout(*, request: HttpRequest) -> None:
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        if user is not None:
            # Logging out ends every session the user holds, not only this browser's.
            ended = _end_sessions(user)
            record(actor=user, event="logout", obj=user, changes={"sessions_ended": ended})
        logout(request)


def password_is_expired(user: User | AnonymousUser) -> bool:
    person = getattr(user, "person", None)
    if person is not None and person.must_change_password:
        return True
    if settings.PASSWORD_MAX_AGE_DAYS == 0:
        return False
    if person is None or person.password_changed_at is None:
        return False
    return timezone.now() - person.password_changed_at > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise UserError("；".join(exc.messages), "weak_password", field="password") from None


def _store_password(user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    PasswordHistory.objects.create(user=user, password=user.password)
    Person.objects.filter(user=user).update(password_changed_at=timezone.now(), must_change_password=False)
    _revoke_tokens(user, "password_change")


def _revoke_tokens(user: User, reason: str) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now(),
                                                                             revoked_reason=reason)


def token_create(*, actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for the user; the secret is returned here once and never stored."""
    from gongjian.org.tokens import PREFIX, digest_of

    name = (name or "").strip()
    if not name:
        raise UserError("请填写令牌名称（用途）", "required", field="name")
    if len(name) > 60:
        raise UserError("令牌名称不能超过60个字符", "too_long", field="name")
    if actor is not None and actor != user:  # None: the operator's command line
        raise UserError("只能为自己生成令牌", "forbidden", status=403)
    secret = PREFIX + get_random_string(40)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, digest=digest_of(secret), prefix=secret[:8],
                                        created_at=now, last_used_at=now)
        record(actor=actor, actor_name="" if actor else "cli", event="api_token.create", obj=token,
               changes={"user": user.pk, "name": name})
    return token, secret


def token_revoke(*, actor: User, token: ApiToken) -> None:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason="owner" if actor == token.user else "security_admin")
        if updated:
            record(actor=actor, event="api_token.revoke", obj=token, changes={"user": token.user_id})


def password_change(*, actor: User, user: User, old_password: str | None, new_password: str) -> None:
    """Change a password; the user must give the old one unless a security administrator resets it."""
    resetting = actor != user
    if resetting and Role.SECURITY_ADMIN not in set(RoleGrant.objects.filter(user=actor).values_list("role", flat=True)):
        raise UserError("只有安全管理员可以重置他人密码", "forbidden", status=403)
    if not resetting and not user.check_password(old_password or ""):
        raise UserError("原密码不正确", "wrong_password", field="old_password")
    _validate_password(new_password, user)
    with transaction.atomic():
        _store_password(user, new_password)
        if resetting:
            Person.objects.filter(user=user).update(must_change_password=True)
        record(actor=actor, event="password.reset" if resetting else "password.change", obj=user)


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    display_name: str,
    unit: Unit | None = None,
    post: str = "",
    roles: list[str] | tuple[str, ...] = (),
    is_city_leader: bool = False,
    allow_reserved: bool = False,
    password_hash: str | None = None,
) -> User:
    """Create an account with its profile and roles. `password_hash` (an already-hashed password, checked by
    Django's hasher registry) lets bulk provisioning skip hashing the same password once per account."""
    username = username.strip()
    if not username:
        raise UserError("用户名不能为空", "required", field="username")
    if username.lower() in RESERVED_USERNAMES and not allow_reserved:
        raise UserError(f"用户名“{username}”是保留的默认账户名，不允许使用", "reserved_username", field="username")
    if User.objects.filter(username=username).exists():
        raise UserError(f"用户名“{username}”已存在", "duplicate", field="username", status=409)
    _check_admin_roles(set(roles))
    if password_hash is None:
        _validate_password(password, User(username=username))
    else:
        identify_hasher(password_hash)
    with transaction.atomic():
        user = User.objects.create(username=username)
        if password_hash is None:
            _store_password(user, password)
        else:
            User.objects.filter(pk=user.pk).update(password=password_hash)
            PasswordHistory.objects.create(user=user, password=password_hash)
        Person.objects.create(
            user=user,
            display_name=display_name,
            unit=unit,
            post=post,
            is_city_leader=is_city_leader or Role.CITY_LEADER in roles,
            password_changed_at=timezone.now(),
        )
        for role in roles:
            RoleGrant.objects.create(user=user, role=role)
        record(actor=actor, event="user.create", obj=user,
               changes={"unit": unit.name if unit else None, "roles": sorted(roles)})
    return user


def _check_admin_roles(roles: set[str]) -> None:
    held = roles & ADMIN_ROLES
    if len(held) > 1:
        names = "、".join(Role(r).label for r in sorted(held))
        raise UserError(f"三员分立：同一账户不能同时担任{names}", "separation_of_duties", field="roles")


def role_grant(*, actor: User, user: User, role: str) -> RoleGrant:
    if role not in Role.values:
        raise UserError(f"未知角色：{role}", "invalid", field="role")
    current = set(RoleGrant.objects.filter(user=user).values_list("role", flat=True))
    _check_admin_roles(current | {role})
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role)
        if created:
            record(actor=actor, event="role.grant", obj=user, changes={"role": [None, role]})
    return grant


def role_revoke(*, actor: User, user: User, role: str) -> None:
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
        if deleted:
            record(actor=actor, event="role.revoke", obj=user, changes={"role": [role, None]})


def user_disable(*, actor: User, user: User) -> None:
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = _end_sessions(user)
        revoked = _revoke_tokens(user, "disabled")
        record(actor=actor, event="user.disable", obj=user,
               changes={"is_active": [True, False], "sessions_ended": ended, "tokens_revoked": revoked})


def _log_missing_person(user: User) -> None:
    # The person at the login box only sees the usual refusal (no hint to an attacker); whoever runs the server must
    # be able to tell why an account that exists cannot log in.
    logger.warning(
        "账户“%s”存在但没有人员档案（不属于任何单位），因此不能登录。三员账户请用 gongjian init 创建，"
        "其他账户请由安全管理员在“用户与角色”页面创建。", user.get_username(),
    )


_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "#%+-=@"


def one_time_password() -> str:
    """16 random characters with every character class, so that the password rules always accept it."""
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
        if (any(c.islower() for c in password) and any(c.isupper() for c in password)
                and any(c.isdigit() for c in password) and any(not c.isalnum() for c in password)):
            return password


def password_reset_one_time(*, actor: User, user: User) -> str:
    """A security administrator hands a new password over; its holder must change it at the next login."""
    require_security_admin(actor)
    _check_not_self(actor, user)
    password = one_time_password()
    with transaction.atomic():
        _store_password(user, password)
        Person.objects.filter(user=user).update(must_change_password=True, failed_logins=0, first_failure_at=None,
                                                locked_until=None)
        ended = _end_sessions(user)
        record(actor=actor, event="password.reset", obj=user, changes={"one_time": True, "sessions_ended": ended})
    return password


def require_security_admin(actor: User) -> None:
    if actor is None or Role.SECURITY_ADMIN not in set(RoleGrant.objects.filter(user=actor).values_list("role", flat=True)):
        raise UserError("只有安全管理员可以管理账户", "forbidden", status=403)


def _check_not_self(actor: User, user: User) -> None:
    if actor == user:
        raise UserError("不能对自己的账户执行此操作，请由另一位安全管理员办理", "self", status=403)


def user_enable(*, actor: User, user: User) -> None:
    require_security_admin(actor)
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        record(actor=actor, event="user.enable", obj=user, changes={"is_active": [False, True]})


def user_unlock(*, actor: User, user: User) -> None:
    require_security_admin(actor)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(user=user)
        was = person.locked_until
        person.failed_logins = 0
        person.first_failure_at = None
        person.locked_until = None
        person.save(update_fields=["failed_logins", "first_failure_at", "locked_until"])
        record(actor=actor, event="user.unlock", obj=user, changes={"locked_until": [was, None]})


def user_roles_set(*, actor: User, user: User, roles: set[str]) -> None:
    """Replace a user's roles, within the 三员 rules: one administrator role per account, none beside business
    roles (administrators see no business data), and nobody changes their own roles."""
    require_security_admin(actor)
    _check_not_self(actor, user)
    unknown = roles - set(Role.values)
    if unknown:
        raise UserError(f"未知角色：{'、'.join(sorted(unknown))}", "invalid", field="roles")
    _check_admin_roles(roles)
    if roles & ADMIN_ROLES and roles - ADMIN_ROLES:
        raise UserError("三员分立：管理员账户不能同时担任业务角色（管理员不接触业务数据）", "separation_of_duties",
                        field="roles")
    with transaction.atomic():
        current = set(RoleGrant.objects.select_for_update().filter(user=user).values_list("role", flat=True))
        for role in sorted(current - roles):
            RoleGrant.objects.filter(user=user, role=role).delete()
            record(actor=actor, event="role.revoke", obj=user, changes={"role": [role, None]})
        for role in sorted(roles - current):
            RoleGrant.objects.create(user=user, role=role)
            record(actor=actor, event="role.grant", obj=user, changes={"role": [None, role]})
        Person.objects.filter(user=user).update(is_city_leader=Role.CITY_LEADER in roles)


def account_create(
    *,
    actor: User,
    username: str,
    display_name: str,
    unit: Unit | None,
    post: str = "",
    roles: set[str] | frozenset[str] = frozenset(),
    phone: str = "",
    email: str = "",
) -> tuple:
    """A security administrator opens an account for a person of a unit; returns (user, one-time password)."""
    require_security_admin(actor)
    display_name = (display_name or "").strip()
    if not display_name:
        raise UserError("请填写称呼（按职务，如“发改局综合科科长”）", "required", field="display_name")
    if unit is None:
        raise UserError("请选择所在单位", "required", field="unit")
    roles = set(roles)
    if roles & ADMIN_ROLES and roles - ADMIN_ROLES:
        raise UserError("三员分立：管理员账户不能同时担任业务角色（管理员不接触业务数据）", "separation_of_duties",
                        field="roles")
    password = one_time_password()
    with transaction.atomic():
        user = user_create(actor=actor, username=username, password=password, display_name=display_name, unit=unit,
                           post=post.strip(), roles=sorted(roles))
        Person.objects.filter(user=user).update(must_change_password=True, phone=phone.strip(), email=email.strip())
    return user, password
