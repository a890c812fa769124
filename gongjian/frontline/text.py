"""Pure text and place helpers: similarity for duplicate checks, distance, and masking of personal data."""

from __future__ import annotations

import math
import re
import secrets

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
# Openers and closers every ticket shares would make unrelated tickets look alike.
_BOILERPLATE = re.compile(
    r"^(市民来电(反映|求助|咨询|建议|举报)[:：]|我要(投诉|举报)[，,]?|(投诉|求助|咨询|举报|实名举报|请求调解)[:：]|"
    r"匿名举报[，,]|您好[，,]?(请帮帮忙[，,]?|想问一下[，,]?)?|你好[，,]?|请问|我有个建议[:：])"
)
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read out on the phone
EARTH_RADIUS_M = 6_371_000


def shingles(text: str, n: int = 2) -> frozenset[str]:
    core = _NOISE.sub("", _BOILERPLATE.sub("", (text or "").strip()).lower())
    if len(core) <= n:
        return frozenset([core]) if core else frozenset()
    return frozenset(core[i:i + n] for i in range(len(core) - n + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str) -> float:
    return jaccard(shingles(a), shingles(b))


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def degrees_for(metres: float, lat: float) -> tuple[float, float]:
    """The latitude and longitude spans of `metres`, for a bounding-box prefilter before haversine."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return dlat, dlng


def normalize_address(address: str) -> str:
    return _NOISE.sub("", (address or "").strip()).lower()


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def mask_phone(phone: str) -> str:
    digits = (phone or "").strip()
    if len(digits) >= 7:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}" if len(digits) > 7 else f"{digits[:3]}****"
    return "*" * len(digits)


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_email(email: str) -> str:
    local, _, domain = (email or "").partition("@")
    if not domain:
        return "*" * len(local)
    return f"{local[:1]}***@{domain}"


def scrub(text: str) -> str:
    """Mask e-mail addresses, phone and ID numbers a citizen typed into free text before it is shown publicly."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text or "")
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


# Tickets a citizen filed themselves (web form, Open311 app) show the place they chose to publish; phone intake and
# grid reports were written down by staff, so the public sees only the town and a point rounded to about a kilometre.
CITIZEN_PUBLISHED_SOURCES = frozenset({"web", "open311"})
PUBLISHED_DECIMALS = 4  # about 10 m
GENERALISED_DECIMALS = 2  # about 1 km


def _rounded(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)


def public_location(*, source: str, address: str, lat: float | None, lng: float | None,
                    area: str) -> tuple[str, float | None, float | None]:
    """(address, lat, lng) as the public may see them; `area` is the town (or other area) the ticket is in."""
    if source in CITIZEN_PUBLISHED_SOURCES:
        return scrub(address), _rounded(lat, PUBLISHED_DECIMALS), _rounded(lng, PUBLISHED_DECIMALS)
    return area, _rounded(lat, GENERALISED_DECIMALS), _rounded(lng, GENERALISED_DECIMALS)
