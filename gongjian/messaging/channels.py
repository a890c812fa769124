"""Channel adapters, each speaking one vendor's documented API: 政务微信 and 钉钉 over plain HTTP (the WeChat SDK for
Python has had no release since 2021), Alibaba Cloud SMS through its official SDK. Every adapter answers `send(message) -> provider id` or raises Retry / Permanent; the runner
decides what that means for the delivery record."""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail

WECOM_TOKEN_INVALID = {40014, 42001}  # invalid / expired access_token: fetch a new one and try once more
WECOM_RATE_LIMITED = {45009, 45033, 45047}  # frequency limits: back off
WECOM_BUSY = {-1}
DINGTALK_TOKEN_INVALID = {40014, 42001}
DINGTALK_RATE_LIMITED = {90002, 90006, 90018, 90019}
DINGTALK_BUSY = {-1}


class Retry(Exception):  # noqa: N818 - names the outcome, as Permanent does
    """A temporary failure (timeout, 5xx, rate limit): try again later; `after` seconds if the provider says."""

    def __init__(self, reason: str, after: int | None = None):
        super().__init__(reason)
        self.after = after


class Permanent(Exception):  # noqa: N818
    """This channel will never reach this person (unknown user id, bad configuration): fall back."""


@dataclass(frozen=True)
class Message:
    key: str  # the delivery's idempotency key
    title: str
    body: str
    url: str
    recipient: str  # the channel's address of the person: user id, phone number, e-mail


def _post(url: str, payload: dict, *, params: dict | None = None) -> dict:
    return _json(lambda: requests.post(url, params=params, json=payload, timeout=settings.MESSAGING_TIMEOUT_SECONDS))


def _get(url: str, params: dict) -> dict:
    return _json(lambda: requests.get(url, params=params, timeout=settings.MESSAGING_TIMEOUT_SECONDS))


def _json(call) -> dict:
    try:
        response = call()
    except requests.Timeout:
        raise Retry("请求超时") from None
    except requests.ConnectionError:
        raise Retry("无法连接服务器") from None
    if response.status_code == 429:
        raise Retry("服务器限流（HTTP 429）", after=_retry_after(response))
    if response.status_code >= 500:
        raise Retry(f"服务器错误（HTTP {response.status_code}）")
    if response.status_code >= 400:
        raise Permanent(f"请求被拒绝（HTTP {response.status_code}）")
    try:
        return response.json()
    except ValueError:
        raise Retry("服务器返回的不是 JSON") from None


def _retry_after(response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


def _clip(text: str, limit_bytes: int) -> str:
    """Vendors count bytes of UTF-8, not characters."""
    data = text.encode()
    if len(data) <= limit_bytes:
        return text
    return data[:limit_bytes - 3].decode(errors="ignore") + "…"


class _TokenApp:
    """An application that sends to one person with an access token: both vendors cache the token until shortly
    before it expires, refresh it once when the send says it is no longer valid, and answer with error codes that
    are either worth retrying (busy, rate limited) or final."""

    name = ""
    busy: set[int] = set()
    rate_limited: set[int] = set()
    token_invalid: set[int] = set()
    token_rate_retry_after: int | None = None

    def _cache_key(self) -> str:
        raise NotImplementedError

    def _token_request(self) -> tuple[str, dict]:
        raise NotImplementedError

    def _send_url(self) -> str:
        raise NotImplementedError

    def _accepted(self, message: Message, data: dict) -> str:
        raise NotImplementedError

    def token(self, *, fresh: bool = False) -> str:
        if not fresh and (cached := cache.get(self._cache_key())):
            return cached
        data = _get(*self._token_request())
        code = data.get("errcode", 0)
        if code in self.busy or code in self.rate_limited:
            raise Retry(f"获取凭证失败：{code} {data.get('errmsg', '')}",
                        after=self.token_rate_retry_after if code in self.rate_limited else None)
        if code != 0 or not data.get("access_token"):
            raise Permanent(f"获取凭证失败：{code} {data.get('errmsg', '')}")
        # Kept a little short of its stated life so a token is never used in its last minutes.
        cache.set(self._cache_key(), data["access_token"], max(int(data.get("expires_in", 7200)) - 300, 60))
        return data["access_token"]

    def send(self, message: Message) -> str:
        payload = self.payload(message)
        for fresh in (False, True):
            data = _post(self._send_url(), payload, params={"access_token": self.token(fresh=fresh)})
            code = data.get("errcode", 0)
            if code in self.token_invalid and not fresh:
                continue
            break
        if code in self.rate_limited:
            raise Retry(f"发送频率超限（{code}）", after=60)
        if code in self.busy or code in self.token_invalid:
            raise Retry(f"{code} {data.get('errmsg', '')}")
        if code != 0:
            raise Permanent(f"{code} {data.get('errmsg', '')}")
        return self._accepted(message, data)


class WeComApp(_TokenApp):
    """企业微信 / 政务微信 application message (text card) to one person by user id."""

    name = "wecom"
    busy, rate_limited, token_invalid = WECOM_BUSY, WECOM_RATE_LIMITED, WECOM_TOKEN_INVALID
    token_rate_retry_after = 60

    def configured(self) -> bool:
        return bool(settings.WECOM_CORP_ID and settings.WECOM_SECRET and settings.WECOM_AGENT_ID)

    def address(self, person) -> str:
        return person.wecom_userid

    def _cache_key(self) -> str:
        return f"messaging:wecom-token:{settings.WECOM_API_BASE}:{settings.WECOM_CORP_ID}:{settings.WECOM_AGENT_ID}"

    def _token_request(self) -> tuple[str, dict]:
        return (f"{settings.WECOM_API_BASE}/cgi-bin/gettoken",
                {"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET})

    def _send_url(self) -> str:
        return f"{settings.WECOM_API_BASE}/cgi-bin/message/send"

    def payload(self, message: Message) -> dict:
        return {
            "touser": message.recipient, "msgtype": "textcard", "agentid": int(settings.WECOM_AGENT_ID),
            "textcard": {"title": _clip(message.title, 128), "description": _clip(message.body, 512),
                         "url": message.url, "btntxt": "签收"},
            # The server drops the same message within the interval: a send whose result was lost (a worker killed
            # after sending) can be repeated without the person getting it twice.
            "enable_duplicate_check": 1, "duplicate_check_interval": 1800,
        }

    def _accepted(self, message: Message, data: dict) -> str:
        if message.recipient in (data.get("invaliduser") or "").split("|"):
            raise Permanent(f"政务微信中没有账号 {message.recipient}")
        return str(data.get("msgid", ""))


class DingTalkWork(_TokenApp):
    """钉钉 / 浙政钉 work notice (工作通知) to one person by user id."""

    name = "dingtalk"
    busy, rate_limited, token_invalid = DINGTALK_BUSY, DINGTALK_RATE_LIMITED, DINGTALK_TOKEN_INVALID

    def configured(self) -> bool:
        return bool(settings.DINGTALK_APP_KEY and settings.DINGTALK_APP_SECRET and settings.DINGTALK_AGENT_ID)

    def address(self, person) -> str:
        return person.dingtalk_userid

    def _cache_key(self) -> str:
        return f"messaging:dingtalk-token:{settings.DINGTALK_API_BASE}:{settings.DINGTALK_APP_KEY}"

    def _token_request(self) -> tuple[str, dict]:
        return (f"{settings.DINGTALK_API_BASE}/gettoken",
                {"appkey": settings.DINGTALK_APP_KEY, "appsecret": settings.DINGTALK_APP_SECRET})

    def _send_url(self) -> str:
        return f"{settings.DINGTALK_API_BASE}/topapi/message/corpconversation/asyncsend_v2"

    def payload(self, message: Message) -> dict:
        return {
            "agent_id": int(settings.DINGTALK_AGENT_ID), "userid_list": message.recipient,
            "msg": {"msgtype": "action_card", "action_card": {
                "title": message.title, "markdown": f"### {message.title}\n\n{message.body}",
                "single_title": "签收", "single_url": message.url}},
        }

    def _accepted(self, message: Message, data: dict) -> str:
        return str(data.get("task_id", ""))


SMS_RETRY_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "ServiceUnavailable",
                   "isp.SYSTEM_ERROR", "InternalError"}


class AliyunSms:
    """Alibaba Cloud SMS (SendSms) through the official SDK, alibabacloud-dysmsapi20170525, which signs each request
    (ACS3-HMAC-SHA256); the endpoint is a setting so a private deployment or a test can point it elsewhere."""

    name = "sms"

    def configured(self) -> bool:
        return bool(settings.SMS_API_BASE and settings.SMS_ACCESS_KEY_ID and settings.SMS_ACCESS_KEY_SECRET
                    and settings.SMS_SIGN_NAME and settings.SMS_TEMPLATE_CODE)

    def address(self, person) -> str:
        return person.phone if person.phone.isdigit() and len(person.phone) == 11 else ""

    def client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.models import Config

        base = urllib.parse.urlsplit(settings.SMS_API_BASE)
        return Client(Config(access_key_id=settings.SMS_ACCESS_KEY_ID,
                             access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
                             endpoint=base.netloc, protocol=base.scheme.upper() or "HTTPS"))

    def request(self, message: Message):
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest

        return SendSmsRequest(
            phone_numbers=message.recipient, sign_name=settings.SMS_SIGN_NAME,
            template_code=settings.SMS_TEMPLATE_CODE, out_id=message.key[:64],
            template_param=json.dumps({"title": message.title[:20], "url": message.url}, ensure_ascii=False))

    def send(self, message: Message) -> str:
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
        from alibabacloud_tea_util.models import RuntimeOptions
        from Tea.exceptions import UnretryableException

        # The runner retries with back-off; the SDK's own retries would hold the worker.
        timeout = settings.MESSAGING_TIMEOUT_SECONDS * 1000
        options = RuntimeOptions(read_timeout=timeout, connect_timeout=timeout, autoretry=False)
        try:
            data = self.client().send_sms_with_options(self.request(message), options).body.to_map()
        except AlibabaCloudException as exc:
            if exc.code in SMS_RETRY_CODES or (exc.status_code or 0) >= 500:
                raise Retry(f"短信服务暂不可用：{exc.code}", after=60) from None
            raise Permanent(f"短信发送失败：{exc.code}") from None
        except UnretryableException:
            raise Retry("无法连接短信服务") from None
        code = data.get("Code", "")
        if code == "OK":
            return data.get("BizId", "")
        if code in SMS_RETRY_CODES:
            raise Retry(f"短信限流：{code}", after=60)
        raise Permanent(f"短信发送失败：{code} {data.get('Message', '')}")


class Email:
    name = "email"

    def configured(self) -> bool:
        return settings.MESSAGING_EMAIL

    def address(self, person) -> str:
        return person.email or person.user.email

    def send(self, message: Message) -> str:
        try:
            send_mail(message.title, f"{message.body}\n\n{message.url}", None, [message.recipient])
        except OSError as exc:
            raise Retry(f"邮件服务器：{exc.__class__.__name__}") from None
        return ""


class InApp:
    """The platform's own inbox: always there, the last fallback."""

    name = "in_app"

    def configured(self) -> bool:
        return True

    def address(self, person) -> str:
        return str(person.user_id)

    def send(self, message: Message) -> str:
        from gongjian.org.models import Notification

        note = Notification.objects.create(user_id=int(message.recipient), title=message.title[:200],
                                           body=message.body, link=message.url[:300])
        return str(note.pk)


class Robot:
    """A group chat's robot (`RobotHook`), addressed by its id: never a person's channel."""

    name = "robot"

    def configured(self) -> bool:
        return False

    def address(self, person) -> str:
        return ""

    def send(self, message: Message) -> str:
        from gongjian.messaging.models import RobotHook

        hook = RobotHook.objects.filter(pk=int(message.recipient), is_active=True).first()
        if hook is None:
            raise Permanent("群机器人已停用或删除")
        text = f"{message.title}\n{message.body}\n详情：{message.url}"
        if hook.kind == RobotHook.Kind.WECOM:
            wecom_robot(hook.url, text)
        elif hook.kind == RobotHook.Kind.DINGTALK:
            dingtalk_robot(hook.url, hook.secret, text)
        else:
            feishu_robot(hook.url, hook.secret, text)
        return ""


# The order a person is tried in: their apps first, SMS when no app id is known or the apps fail, then e-mail and
# the inbox.
CHANNELS = {c.name: c for c in (WeComApp(), DingTalkWork(), AliyunSms(), Email(), InApp(), Robot())}


def channels_for(person) -> list[str]:
    return [name for name, channel in CHANNELS.items() if channel.configured() and channel.address(person)]


# Group robots: one message to a unit's or the office's group chat.

def wecom_robot(webhook_url: str, text: str) -> None:
    data = _post(webhook_url, {"msgtype": "text", "text": {"content": text}})
    code = data.get("errcode", 0)
    if code in WECOM_RATE_LIMITED:
        raise Retry(f"群机器人发送频率超限（{code}）", after=60)
    if code != 0:
        raise Permanent(f"{code} {data.get('errmsg', '')}")


def dingtalk_robot_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_robot(webhook_url: str, secret: str, text: str, *, now_ms: int | None = None) -> None:
    timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
    separator = "&" if "?" in webhook_url else "?"
    # A robot secured by keywords or an IP list instead of 加签 takes the plain URL.
    url = (f"{webhook_url}{separator}timestamp={timestamp}&sign={dingtalk_robot_sign(secret, timestamp)}"
           if secret else webhook_url)
    data = _post(url, {"msgtype": "text", "text": {"content": text}})
    code = data.get("errcode", 0)
    if code == 130101:  # 发送速度太快而限流
        raise Retry("群机器人发送太快", after=60)
    if code != 0:
        raise Permanent(f"{code} {data.get('errmsg', '')}")


def feishu_robot_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_robot(webhook_url: str, secret: str, text: str, *, now_s: int | None = None) -> None:
    timestamp = now_s if now_s is not None else int(time.time())
    payload = {"msg_type": "text", "content": {"text": text}}
    if secret:
        payload = {"timestamp": str(timestamp), "sign": feishu_robot_sign(secret, timestamp), **payload}
    data = _post(webhook_url, payload)
    code = data.get("code", data.get("StatusCode", 0))
    if code == 11232:  # frequency limited
        raise Retry("飞书机器人发送太快", after=60)
    if code != 0:
        raise Permanent(f"{code} {data.get('msg', '')}")
