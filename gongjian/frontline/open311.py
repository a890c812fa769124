"""Open311 GeoReport v2 at /open311/v2/ (the GeoReport v2 specification), in XML and JSON.

GET is public and never returns personal data (names, phones, e-mail; phone and ID numbers typed into a
description are masked). POST needs an api_key an administrator issued. Errors are an array of {code, description}:
403 bad api_key, 404 unknown service code or request id, 400 anything else. The URL middleware lets /open311/
through without a login; these views check the key themselves, and POST is exempt from CSRF (it carries the key).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.models import Count, Max
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from gongjian import clock
from gongjian.audit.middleware import client_ip
from gongjian.errors import UserError
from gongjian.frontline import ratelimit, services
from gongjian.frontline.models import Category, Ticket, TicketEvent
from gongjian.frontline.selectors import active_category, api_key_is_valid
from gongjian.frontline.text import public_location, scrub

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_WINDOW = timedelta(days=90)
MAX_ROWS = 1000
_OFFSET_SPACE = re.compile(r" (\d{2}:?\d{2})$")
CLOSED_STATES = (Ticket.State.CLOSED, Ticket.State.MERGED)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The item tag of each list in XML, by its root tag.
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format", "keywords": "keyword",
             "service_request_updates": "request_update"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str, *, retry_after: int | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def jurisdiction() -> str:
    return getattr(settings, "OPEN311_JURISDICTION", "laixi.gov.cn")


# ---------------------------------------------------------------- rendering


def _xml_value(parent: Element, tag: str, value) -> None:
    node = SubElement(parent, tag)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _xml_value(node, key, item)
    elif isinstance(value, list | tuple):
        for item in value:
            _xml_value(node, ITEM_TAGS.get(tag, "item"), item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def render(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        if isinstance(data, Mapping):
            element = Element(root)
            for key, value in data.items():
                _xml_value(element, key, value)
        else:
            element = Element(root)
            for item in data:
                _xml_value(element, ITEM_TAGS[root], item)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(element, encoding="utf-8", xml_declaration=False)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=FORMATS.get(fmt, FORMATS["xml"]))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(status: int, description: str, fmt: str) -> HttpResponse:
    return render([{"code": status, "description": description}], fmt if fmt in FORMATS else "xml", root="errors",
                  status=status)


def endpoint(methods: Sequence[str]):
    """Format check, method check, jurisdiction check and errors as the standard wants them, for each view."""

    def wrap(view):
        @csrf_exempt
        def handler(request, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return _error(400, f"不支持的格式：{fmt}（可用 xml、json）", "xml")
            if request.method not in methods:
                response = _error(405 if request.method != "OPTIONS" else 200, "不支持的请求方法", fmt)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                params = request.POST if request.method == "POST" else request.GET
            except RequestDataTooBig:
                return _error(413, "请求内容过大", fmt)
            except SuspiciousOperation:
                return _error(400, "请求内容不正确", fmt)
            given = params.get("jurisdiction_id", "").strip()
            if given and given != jurisdiction():
                return _error(404, f"未知的辖区：{given}", fmt)
            try:
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                response = _error(exc.status, exc.description, fmt)
                if exc.retry_after:
                    response["Retry-After"] = str(exc.retry_after)
                return response

        handler.__name__ = view.__name__
        handler.__doc__ = view.__doc__
        return handler

    return wrap


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# ---------------------------------------------------------------- records


def service_record(category: Category) -> dict:
    """`category` annotated with n_attributes (metadata: whether a service definition has anything to say)."""
    return {"service_code": category.code, "service_name": category.name, "description": category.description,
            "metadata": bool(category.n_attributes), "type": "realtime", "keywords": category.keywords,
            "group": category.group or category.get_kind_display()}


def request_record(ticket: Ticket) -> dict:
    expected = None
    if ticket.reply_due is not None and ticket.state not in CLOSED_STATES:
        expected = _when(timezone.make_aware(datetime.combine(ticket.reply_due, time(23, 59, 59))))
    notes = ticket.public_reply
    if ticket.state == Ticket.State.MERGED and ticket.merged_into_id:
        notes = "与其他工单反映同一问题，已合并办理"
    address, lat, lng = public_location(source=ticket.source, address=ticket.address, lat=ticket.lat, lng=ticket.lng,
                                        area=ticket.town.name if ticket.town_id else "")
    published = ticket.source in ("web", "open311")
    return {
        "service_request_id": ticket.code,
        "status": "closed" if ticket.state in CLOSED_STATES else "open",
        "status_notes": scrub(notes),
        "service_name": ticket.category.name,
        "service_code": ticket.category.code,
        "description": scrub(ticket.text),
        "agency_responsible": ticket.unit.name if ticket.unit_id else "",
        "service_notice": ticket.get_state_display(),
        "requested_datetime": _when(ticket.received_at),
        "updated_datetime": _when(ticket.last_activity),
        "expected_datetime": expected,
        "address": address,
        "address_id": ticket.address_id if published else "",
        "zipcode": ticket.zipcode,
        "lat": lat,
        "long": lng,
        # Grid workers' photos may show people and homes: they stay inside the platform. No media: null, as the
        # schema wants a URI or null, never an empty string.
        "media_url": ticket.media_url or None,
    }


def _tickets():
    return Ticket.objects.select_related("category", "unit", "town")


# ---------------------------------------------------------------- views


@endpoint(("GET",))
def discovery(request, fmt: str):
    changed = Category.objects.aggregate(latest=Max("updated_at"))["latest"]
    url = request.build_absolute_uri(reverse("open311_root"))
    return render({
        "changeset": _when(changed) or "2023-01-01T00:00:00+08:00",
        "contact": "莱西市大数据局 政务服务热线 0532-12345",
        "key_service": "POST 需要 api_key：请向莱西市大数据局申请，由系统管理员在“Open311密钥”页面签发。",
        "endpoints": [{"specification": SPECIFICATION, "url": url, "changeset": _when(changed) or "",
                       "type": "production", "formats": ["text/xml", "application/json"]}],
    }, fmt, root="discovery")


@endpoint(("GET",))
def service_list(request, fmt: str):
    categories = Category.objects.filter(is_active=True).annotate(n_attributes=Count("attributes"))
    return render([service_record(c) for c in categories], fmt, root="services")


@endpoint(("GET",))
def service_definition(request, fmt: str, code: str):
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, f"未知的服务代码：{code}")
    attributes = [{"variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
                   "datatype_description": a.datatype_description, "order": a.order, "description": a.description,
                   "values": [{"key": v.get("key"), "name": v.get("name")} for v in a.values]}
                  for a in category.attributes.all()]
    return render({"service_code": category.code, "attributes": attributes}, fmt, root="service_definition")


@endpoint(("GET", "POST"))
def requests_view(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    params = request.GET
    ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
    tickets = _tickets()
    if ids:
        tickets = tickets.filter(code__in=ids[:MAX_ROWS])
    else:
        start, end = _window(params)
        tickets = tickets.filter(received_at__gte=start, received_at__lte=end)
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            tickets = tickets.filter(category__code__in=codes)
        statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status 只能是 open 或 closed")
        if statuses == {"open"}:
            tickets = tickets.exclude(state__in=CLOSED_STATES)
        elif statuses == {"closed"}:
            tickets = tickets.filter(state__in=CLOSED_STATES)
    rows = tickets.order_by("-received_at", "-id")[:MAX_ROWS]
    return render([request_record(t) for t in rows], fmt, root="service_requests")


def _parse_when(value: str, name: str) -> datetime:
    # An unencoded "+08:00" in a query string arrives as " 08:00".
    value = _OFFSET_SPACE.sub(r"+\1", value.strip())
    try:
        parsed = parse_datetime(value)
        if parsed is None and (day := parse_date(value)) is not None:
            parsed = datetime.combine(day, time())
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} 不是有效的 W3C 日期时间（例如 2023-03-01T00:00:00+08:00）")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _window(params) -> tuple[datetime, datetime]:
    start = _parse_when(params["start_date"], "start_date") if params.get("start_date") else None
    end = _parse_when(params["end_date"], "end_date") if params.get("end_date") else None
    if start is None and end is None:
        end = clock.now()
    if start is None:
        start = end - MAX_WINDOW
    if end is None:
        end = start + MAX_WINDOW
    if end < start:
        raise Open311Error(400, "end_date 早于 start_date")
    if end - start > MAX_WINDOW:
        raise Open311Error(400, "查询时间范围不能超过90天")
    return start, end


@endpoint(("GET",))
def request_detail(request, fmt: str, request_id: str):
    ticket = _tickets().filter(code=request_id).first()
    if ticket is None:
        raise Open311Error(404, f"未找到诉求：{request_id}")
    return render([request_record(ticket)], fmt, root="service_requests")


@endpoint(("GET",))
def token_detail(request, fmt: str, token: str):
    ticket = Ticket.objects.filter(token=token).only("code", "token").first()
    if ticket is None:
        raise Open311Error(404, f"未找到令牌：{token}")
    return render([{"service_request_id": ticket.code, "token": ticket.token}], fmt, root="service_requests")


@endpoint(("GET",))
def request_updates(request, fmt: str):
    """FixMyStreet's extension: public timeline events, so that clients can follow progress."""
    start, end = _window(request.GET)
    events = (TicketEvent.objects.filter(public=True, at__gte=start, at__lte=end)
              .select_related("ticket").order_by("at", "id"))
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        events = events.filter(ticket__code__in=ids[:MAX_ROWS])
    rows = [{"update_id": e.pk, "service_request_id": e.ticket.code,
             "status": "closed" if e.kind in ("close", "merge") else "open", "description": scrub(e.note),
             "updated_datetime": _when(e.at), "media_url": None} for e in events[:MAX_ROWS]]
    return render(rows, fmt, root="service_request_updates")


def _throttle(identity: str, limit: int) -> None:
    window = settings.OPEN311_RATE_WINDOW_SECONDS
    if not ratelimit.hit(identity, limit=limit, window=window):
        raise Open311Error(429, f"请求过于频繁，请{ratelimit.retry_after(window)}秒后再试",
                           retry_after=ratelimit.retry_after(window))


def _create(request, fmt: str) -> HttpResponse:
    params = request.POST
    # Per address first, so that guessing keys is throttled too; then per key, whichever addresses use it.
    _throttle(f"open311-address:{client_ip(request) or 'unknown'}", settings.OPEN311_RATE_PER_ADDRESS)
    key = params.get("api_key", "").strip()
    key_hash = services.key_hash(key) if key else ""
    if not key or not api_key_is_valid(key_hash):
        raise Open311Error(403, "api_key 无效或已停用")
    _throttle(f"open311-key:{key_hash}", settings.OPEN311_RATE_PER_KEY)
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    category = active_category(code)
    if category is None:
        raise Open311Error(404, f"未知的服务代码：{code}")
    has_point = params.get("lat", "").strip() or params.get("long", "").strip()
    address = params.get("address_string", "").strip()
    address_id = params.get("address_id", "").strip()
    if not (has_point or address or address_id):
        raise Open311Error(400, "须提供位置：lat 和 long、address_string 或 address_id 之一")
    description = params.get("description", "")
    if len(description) > services.MAX_TEXT:
        raise Open311Error(400, f"description 不能超过{services.MAX_TEXT}个字符")
    attributes = {}
    for name in params:
        if name.startswith("attribute[") and name.endswith("]"):
            values = params.getlist(name)
            attributes[name[10:-1]] = values if len(values) > 1 else values[0]
    name = " ".join(p for p in (params.get("last_name", "").strip(), params.get("first_name", "").strip()) if p)
    try:
        ticket = services.ticket_create(
            actor=None, category=category, source=Ticket.Source.OPEN311,
            text=description.strip() or f"{category.name}：{address or address_id or '见定位'}",
            address=address, address_id=address_id, lat=params.get("lat") or None, lng=params.get("long") or None,
            contact_name=name, contact_phone=params.get("phone", ""), contact_email=params.get("email", ""),
            device_id=params.get("device_id", ""), account_id=params.get("account_id", ""),
            media_url=params.get("media_url", ""), attributes=attributes, with_token=True)
    except UserError as exc:
        raise Open311Error(400, f"{exc.field}: {exc.message}" if exc.field else exc.message) from None
    return render([{"service_request_id": ticket.code, "token": ticket.token,
                    "service_notice": "已受理，承办单位将在时限内答复",
                    "account_id": ticket.account_id or None}], fmt, root="service_requests")


def root(request):
    """Not an Open311 call: points a visitor at the discovery document."""
    return render({"discovery": request.build_absolute_uri(reverse("open311_discovery", kwargs={"fmt": "json"}))}, "json",
                  root="open311")
