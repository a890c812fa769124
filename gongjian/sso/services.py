"""Signing in through the government's identity systems. The identity system vouches for who the person is; the
platform still decides whether they may come in (active, not locked) and records it like any login."""

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gongjian.audit.services import record
from gongjian.errors import UserError
from gongjian.org.models import Person, UserSession
from gongjian.sso.models import Identity
from gongjian.types import User

REFUSED = "该账号未在本平台登记或已停用，请联系管理员。"
PROVIDERS = {"oidc": "统一身份认证", "wecom": "政务微信", "dingtalk": "钉钉"}


def person_for(*, provider: str, subject: str, issuer: str = "") -> Person | None:
    subject = (subject or "").strip()
    if not subject:
        return None
    people = Person.objects.select_related("user").filter(user__is_active=True)
    if provider == "wecom":
        return people.filter(wecom_userid=subject).first()
    if provider == "dingtalk":
        return people.filter(dingtalk_userid=subject).first()
    if provider == "oidc":
        return people.filter(identities__issuer=issuer, identities__subject=subject).first()
    raise ValueError(provider)


def refuse(*, provider: str, subject: str) -> UserError:
    # Only the start of an unknown subject is kept: it may be a citizen's id number.
    record(actor=None, actor_name=f"{(subject or '')[:3]}***（{PROVIDERS[provider]}未登记）", event="login.failed",
           object_type="auth.user", success=False, changes={"via": provider})
    return UserError(REFUSED, "sso_unknown", status=403)


def start_session(*, request: HttpRequest, person: Person, provider: str) -> None:
    """The same session a password login makes (timeouts, the list of a user's sessions), and its audit row."""
    now = timezone.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
        if not person.user.is_active or (person.locked_until and person.locked_until > now):
            raise refuse(provider=provider, subject=person.user.username)
        if request.user.is_authenticated and request.user.pk != person.user_id:
            request.session.flush()
        login(request, person.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session["login_at"] = now.timestamp()
        request.session["seen_at"] = now.timestamp()
        request.session.save()
        UserSession.objects.get_or_create(user=person.user, session_key=request.session.session_key)
        record(actor=person.user, event="login", obj=person.user, changes={"via": provider})


@transaction.atomic
def identity_link(*, actor: User | None, person: Person, issuer: str, subject: str) -> Identity:
    subject = (subject or "").strip()
    if not subject or len(subject) > 255:
        raise UserError("「平台账号标识」不能为空且不超过255字", "invalid", field="subject")
    if Identity.objects.filter(issuer=issuer, subject=subject).exclude(person=person).exists():
        raise UserError("该平台账号已对应其他人员", "conflict", field="subject", status=409)
    identity, _ = Identity.objects.get_or_create(issuer=issuer, subject=subject, defaults={"person": person})
    record(actor=actor, actor_name="" if actor else "system", event="sso.link", obj=identity,
           changes={"person": person.pk, "issuer": issuer})
    return identity
