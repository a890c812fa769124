"""A local HTTP server speaking the vendors' documented wire formats: 企业微信 (gettoken, message/send with the
text card and its duplicate check, errcodes 40014/42001/45009/81013), 钉钉 (gettoken, asyncsend_v2, robot with the
timestamp/sign query), the WeCom group robot and the 飞书 robot (sign in the body). Faults are queued per path:
"timeout" (answers after the client gave up), "500", or an errcode; "hang" records the message as delivered and
then never answers, like a vendor whose reply is lost when the worker dies."""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CORP_ID, CORP_SECRET, AGENT_ID = "ww-test-corp", "wecom-secret", "1000002"
APP_KEY, APP_SECRET, DING_AGENT_ID = "ding-app-key", "ding-app-secret", "2000003"
ROBOT_SECRET = "SEC-robot-secret"
SMS_KEY_ID, SMS_KEY_SECRET, SMS_SIGN, SMS_TEMPLATE = "LTAI-test-key", "sms-secret", "莱西督查", "SMS_123456789"


class Vendor:
    def __init__(self):
        self.lock = threading.Lock()
        self.users = {"liaison01", "head01", "leader01"}
        self.tokens: dict[str, float] = {}  # token → expiry
        self.issued = 0
        self.faults: dict[str, list] = defaultdict(list)
        self.requests: list[dict] = []  # every request: path, query, body
        self.delivered: list[dict] = []  # messages that reached a person
        self.recent: dict[str, float] = {}  # duplicate-check fingerprints → when first seen
        self.release = threading.Event()
        self.timeout_seconds = 3.0
        # OAuth: one-time codes the vendor issued when a person confirmed sign-in → who they are.
        self.wecom_codes: dict[str, dict] = {}
        self.dingtalk_codes: dict[str, str] = {}  # authCode → unionId
        self.dingtalk_unions: dict[str, str] = {}  # unionId → userid in the organisation
        self.dingtalk_app_codes: dict[str, str] = {}  # 免登 code from dd.getAuthCode → userid
        self.user_tokens: dict[str, str] = {}

    def fault(self, path: str, *faults) -> None:
        self.faults[path].extend(faults)

    def next_fault(self, path: str):
        with self.lock:
            return self.faults[path].pop(0) if self.faults[path] else None

    def new_token(self, expires_in: int = 7200) -> str:
        with self.lock:
            self.issued += 1
            token = f"token-{self.issued}"
            self.tokens[token] = time.time() + expires_in
            return token

    def expire_all(self) -> None:
        with self.lock:
            self.tokens = {t: 0 for t in self.tokens}

    def sends(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


def _check_token(vendor: Vendor, token: str) -> dict | None:
    if token not in vendor.tokens:
        return {"errcode": 40014, "errmsg": "invalid access_token"}
    if vendor.tokens[token] < time.time():
        return {"errcode": 42001, "errmsg": "access_token expired"}
    return None


def wecom_send(vendor: Vendor, token: str, body: dict) -> dict:
    if error := _check_token(vendor, token):
        return error
    missing = [k for k in ("touser", "msgtype", "agentid") if k not in body]
    if missing or body["msgtype"] != "textcard" or str(body["agentid"]) != AGENT_ID:
        return {"errcode": 40008, "errmsg": "invalid message type or agentid"}
    card = body.get("textcard") or {}
    if not card.get("title") or not card.get("description") or not card.get("url"):
        return {"errcode": 44004, "errmsg": "empty content"}
    if len(card["title"].encode()) > 128 or len(card["description"].encode()) > 512:
        return {"errcode": 45002, "errmsg": "content size out of limit"}
    users = body["touser"].split("|")
    valid = [u for u in users if u in vendor.users]
    invalid = [u for u in users if u not in vendor.users]
    if not valid:
        return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
    fingerprint = json.dumps([body["touser"], body["agentid"], card], sort_keys=True, ensure_ascii=False)
    with vendor.lock:
        seen = vendor.recent.get(fingerprint)
        duplicate = (body.get("enable_duplicate_check") == 1 and seen is not None
                     and time.time() - seen < body.get("duplicate_check_interval", 1800))
        if not duplicate:
            vendor.recent[fingerprint] = time.time()
            vendor.delivered.extend({"to": u, "title": card["title"], "url": card["url"]} for u in valid)
    return {"errcode": 0, "errmsg": "ok", "invaliduser": "|".join(invalid), "invalidparty": "", "invalidtag": "",
            "unlicenseduser": "", "msgid": f"msg-{len(vendor.requests)}", "response_code": "rc"}


def dingtalk_send(vendor: Vendor, token: str, body: dict) -> dict:
    if error := _check_token(vendor, token):
        return error
    if str(body.get("agent_id")) != DING_AGENT_ID or not body.get("userid_list") or "msg" not in body:
        return {"errcode": 400002, "errmsg": "参数错误"}
    card = body["msg"].get("action_card") or {}
    if body["msg"].get("msgtype") != "action_card" or not card.get("single_url"):
        return {"errcode": 400002, "errmsg": "消息体不合法"}
    with vendor.lock:
        vendor.delivered.extend({"to": u, "title": card["title"], "url": card["single_url"]}
                                for u in body["userid_list"].split(","))
    return {"errcode": 0, "task_id": 256271667526 + len(vendor.requests), "request_id": "4jzllmte0wau"}


def dingtalk_robot_check(query: dict, secret: str) -> bool:
    timestamp = query.get("timestamp", "")
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    # parse_qs already url-decoded the sign once, as the vendor does.
    return hmac.compare_digest(query.get("sign", ""), expected)


def feishu_check(body: dict, secret: str) -> bool:
    timestamp = body.get("timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 3600:
        return False
    expected = base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    return hmac.compare_digest(body.get("sign", ""), expected)


def _percent(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


def acs3_check(method: str, raw_query: str, headers, secret: str) -> bool:
    """Alibaba Cloud's V3 request signature (ACS3-HMAC-SHA256) as its documentation describes it: the canonical
    request (method, path, sorted query, the signed headers, the payload hash), hashed, signed with the secret."""
    scheme, _, rest = headers.get("Authorization", "").partition(" ")
    fields = dict(part.split("=", 1) for part in rest.split(",") if "=" in part)
    if scheme != "ACS3-HMAC-SHA256" or fields.get("Credential") != SMS_KEY_ID:
        return False
    signed = fields.get("SignedHeaders", "").split(";")
    query = sorted(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
    canonical = "\n".join([
        method, "/", "&".join(f"{_percent(k)}={_percent(v)}" for k, v in query),
        "".join(f"{h}:{headers.get(h, '').strip()}\n" for h in signed), ";".join(signed),
        headers.get("x-acs-content-sha256", "")])
    to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"} <= set(signed) and hmac.compare_digest(
        fields.get("Signature", ""), expected)


def sms_send(vendor: Vendor, query: dict, fault) -> tuple[dict, int]:
    """SendSms: the answer's Code is "OK" or an error code (HTTP 200 for the business ones, as the service does)."""
    if isinstance(fault, str) and fault.startswith(("isv.", "isp.")):
        return {"Code": fault, "Message": "injected", "RequestId": "req-1"}, 200
    if fault == "Throttling.User":
        return {"Code": "Throttling.User", "Message": "Request was denied due to user flow control.",
                "RequestId": "req-1"}, 400
    missing = [k for k in ("PhoneNumbers", "SignName", "TemplateCode") if not query.get(k)]
    if missing:
        return {"Code": "MissingParameter", "Message": f"{missing[0]} is mandatory", "RequestId": "req-1"}, 400
    if query["SignName"] != SMS_SIGN:
        return {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法", "RequestId": "req-1"}, 200
    if query["TemplateCode"] != SMS_TEMPLATE:
        return {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法", "RequestId": "req-1"}, 200
    phone = query["PhoneNumbers"]
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        return {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "req-1"}, 200
    params = json.loads(query.get("TemplateParam") or "{}")
    with vendor.lock:
        vendor.delivered.append({"to": phone, "title": params.get("title", ""), "url": params.get("url", "")})
    return {"Code": "OK", "Message": "OK", "BizId": f"9006197469364984^{len(vendor.requests)}",
            "RequestId": "req-1"}, 200


def make_handler(vendor: Vendor):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, data: dict, status: int = 200) -> None:
            payload = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _handle(self, body: dict | None) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            query = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
            path = parsed.path
            with vendor.lock:
                vendor.requests.append({"path": path, "query": query, "body": body,
                                        "headers": {k.lower(): v for k, v in self.headers.items()}})
            fault = vendor.next_fault(path)
            if path == "/" and self.headers.get("x-acs-action") == "SendSms" and fault not in ("timeout", "500"):
                if self.headers.get("x-acs-version") != "2017-05-25" or not acs3_check(
                        self.command, parsed.query, self.headers, SMS_KEY_SECRET):
                    return self._answer({"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not "
                                         "matched with our calculation.", "RequestId": "req-1"}, 400)
                return self._answer(*sms_send(vendor, query, fault))
            if fault == "timeout":
                time.sleep(vendor.timeout_seconds)
                return self._answer({"errcode": 0, "errmsg": "late"})
            if fault == "500":
                return self._answer({"errmsg": "internal error"}, 500)
            if fault == "expire":
                vendor.expire_all()
            elif isinstance(fault, int):
                return self._answer({"errcode": fault, "errmsg": "injected"})
            if path == "/cgi-bin/gettoken":
                if query.get("corpid") != CORP_ID or query.get("corpsecret") != CORP_SECRET:
                    return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
                return self._answer({"errcode": 0, "errmsg": "ok", "access_token": vendor.new_token(),
                                     "expires_in": 7200})
            if path == "/cgi-bin/message/send":
                answer = wecom_send(vendor, query.get("access_token", ""), body or {})
                if fault == "hang":
                    vendor.release.wait(60)
                    return None
                return self._answer(answer)
            if path == "/gettoken":
                if query.get("appkey") != APP_KEY or query.get("appsecret") != APP_SECRET:
                    return self._answer({"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"})
                return self._answer({"errcode": 0, "errmsg": "ok", "access_token": vendor.new_token(),
                                     "expires_in": 7200})
            if path == "/topapi/message/corpconversation/asyncsend_v2":
                answer = dingtalk_send(vendor, query.get("access_token", ""), body or {})
                if fault == "hang":
                    vendor.release.wait(60)
                    return None
                return self._answer(answer)
            if path == "/cgi-bin/auth/getuserinfo":
                if error := _check_token(vendor, query.get("access_token", "")):
                    return self._answer(error)
                who = vendor.wecom_codes.pop(query.get("code", ""), None)
                if who is None:
                    return self._answer({"errcode": 40029, "errmsg": "invalid code"})
                return self._answer({"errcode": 0, "errmsg": "ok", **who})
            if path == "/v1.0/oauth2/userAccessToken":
                body = body or {}
                if (body.get("clientId"), body.get("clientSecret"), body.get("grantType")) != (
                        APP_KEY, APP_SECRET, "authorization_code"):
                    return self._answer({"code": "invalidClient", "message": "client invalid"}, 400)
                union = vendor.dingtalk_codes.pop(body.get("code", ""), None)
                if union is None:
                    return self._answer({"code": "invalidAuthCode", "message": "authCode无效"}, 400)
                token = f"user-token-{len(vendor.user_tokens) + 1}"
                vendor.user_tokens[token] = union
                return self._answer({"accessToken": token, "refreshToken": "r", "expireIn": 7200})
            if path == "/v1.0/contact/users/me":
                union = vendor.user_tokens.get(self.headers.get("x-acs-dingtalk-access-token", ""))
                if union is None:
                    return self._answer({"code": "InvalidAuthentication", "message": "不合法的access_token"}, 401)
                return self._answer({"nick": "张三", "unionId": union, "openId": f"open-{union}"})
            if path == "/topapi/v2/user/getuserinfo":
                if error := _check_token(vendor, query.get("access_token", "")):
                    return self._answer(error)
                userid = vendor.dingtalk_app_codes.pop((body or {}).get("code", ""), None)
                if userid is None:
                    return self._answer({"errcode": 40078, "errmsg": "不存在的临时授权码"})
                return self._answer({"errcode": 0, "errmsg": "ok", "request_id": "r", "result": {
                    "userid": userid, "device_id": "d", "sys": False, "sys_level": 0, "name": "某人"}})
            if path == "/topapi/user/getbyunionid":
                if error := _check_token(vendor, query.get("access_token", "")):
                    return self._answer(error)
                userid = vendor.dingtalk_unions.get((body or {}).get("unionid", ""))
                if userid is None:
                    return self._answer({"errcode": 60121, "errmsg": "找不到该用户"})
                return self._answer({"errcode": 0, "errmsg": "ok",
                                     "result": {"contact_type": 0, "userid": userid}, "request_id": "r"})
            if path == "/cgi-bin/webhook/send":
                if query.get("key") != "robot-key" or (body or {}).get("msgtype") != "text":
                    return self._answer({"errcode": 93000, "errmsg": "invalid webhook url"})
                vendor.delivered.append({"to": "wecom-group", "title": body["text"]["content"]})
                return self._answer({"errcode": 0, "errmsg": "ok"})
            if path == "/robot/send":
                if not dingtalk_robot_check(query, ROBOT_SECRET):
                    return self._answer({"errcode": 310000, "errmsg": "sign not match"})
                vendor.delivered.append({"to": "dingtalk-group", "title": body["text"]["content"]})
                return self._answer({"errcode": 0, "errmsg": "ok"})
            if path.startswith("/open-apis/bot/v2/hook/"):
                if not feishu_check(body or {}, ROBOT_SECRET):
                    return self._answer({"code": 19021, "msg": "sign match fail or timestamp is not within one hour"})
                vendor.delivered.append({"to": "feishu-group", "title": body["content"]["text"]})
                return self._answer({"code": 0, "data": {}, "msg": "success"})
            return self._answer({"errcode": 404, "errmsg": "not found"}, 404)

        def do_GET(self):  # noqa: N802
            self._handle(None)

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {"_raw": raw.decode(errors="replace")}
            self._handle(body)

    return Handler


class VendorServer:
    def __init__(self):
        self.vendor = Vendor()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.vendor))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.vendor.release.set()
        self.server.shutdown()
        self.server.server_close()
