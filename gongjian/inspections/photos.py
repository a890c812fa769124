"""On-site photos: what a file really is, when and where it was taken, and whether that place is the site.

Only JPEG and PNG are accepted, recognised by their first bytes and opened by Pillow (a renamed file or a broken
image is refused). Capture time and position come from EXIF (DateTimeOriginal, the GPS IFD); the phone's own fix,
sent by the browser with its accuracy, is the second witness."""

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from gongjian.errors import UserError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 60_000_000
SIGNATURES = [(b"\xff\xd8\xff", ("image/jpeg", "jpg")), (b"\x89PNG\r\n\x1a\n", ("image/png", "png"))]
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME = 0x9003, 0x0132
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class PhotoFacts:
    content_type: str
    extension: str
    size: int
    sha256: str
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    gps_error_m: float | None


def _rational(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _degrees(parts, ref: str) -> float | None:
    try:
        d, m, s = (_rational(p) for p in parts)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if ref in ("S", "W") else value


def _coordinates(gps: dict) -> tuple[Decimal | None, Decimal | None, float | None]:
    lat = _degrees(gps.get(2), str(gps.get(1, "N"))) if gps.get(2) else None
    lng = _degrees(gps.get(4), str(gps.get(3, "E"))) if gps.get(4) else None
    if lat is None or lng is None or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None, None
    error = None
    if gps.get(31) is not None:  # GPSHPositioningError, metres
        try:
            error = _rational(gps[31])
        except (TypeError, ValueError, ZeroDivisionError):
            error = None
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}"), error


def _taken_at(exif) -> datetime | None:
    raw = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(DATETIME)
    try:
        naive = datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except (TypeError, ValueError):
        return None
    # EXIF times carry no zone; a phone in China writes Beijing time, the platform's zone.
    return timezone.make_aware(naive)


def read(upload) -> PhotoFacts:
    if upload is None or not getattr(upload, "size", 0):
        raise UserError("请选择照片", "required", field="photos")
    if upload.size > MAX_BYTES:
        raise UserError(f"照片“{upload.name}”超过10MB", "too_large", field="photos")
    upload.seek(0)
    head = upload.read(16)
    kind = next((k for sig, k in SIGNATURES if head.startswith(sig)), None)
    if kind is None:
        raise UserError(f"“{upload.name}”不是JPG或PNG照片", "bad_type", field="photos")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UserError(f"照片“{upload.name}”像素过大", "too_large", field="photos")
            exif = image.getexif()
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UserError(f"照片“{upload.name}”已损坏，无法打开", "bad_type", field="photos") from None
    finally:
        upload.seek(0)
    lat, lng, error = _coordinates(exif.get_ifd(GPS_IFD))
    return PhotoFacts(content_type=kind[0], extension=kind[1], size=upload.size, sha256=digest.hexdigest(),
                      taken_at=_taken_at(exif), latitude=lat, longitude=lng, gps_error_m=error)


def distance_m(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance (haversine); at the scale of a county the error is well under a metre."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Verdict:
    check: str  # a Photo.Check value
    note: str
    distance_m: int | None


def judge(*, facts: PhotoFacts, site: tuple[Decimal, Decimal] | None, device: tuple | None, on: date,
          max_distance_m: int, max_accuracy_m: int) -> Verdict:
    """Compare where the photo says it was taken (EXIF first, else the phone's fix) with the site.

    `device` is (latitude, longitude, accuracy in metres) or None. A fix whose accuracy is worse than
    `max_accuracy_m`, or of unknown accuracy, proves nothing: unverifiable, never trusted."""
    notes = []
    if facts.taken_at is not None and timezone.localdate(facts.taken_at) != on:
        notes.append(f"拍摄于{timezone.localtime(facts.taken_at):%Y年%-m月%-d日}，不是核查当日")
    if site is None:
        return Verdict("unverifiable", "；".join(["该事项未登记项目位置，无法比对", *notes]), None)
    if facts.latitude is not None:
        where, source, accuracy = (facts.latitude, facts.longitude), "照片定位", facts.gps_error_m
        exif_accuracy_unknown_ok = accuracy is None  # cameras rarely record it; EXIF GPS is taken as written
    elif device is not None and device[0] is not None:
        where, source, accuracy = (device[0], device[1]), "手机定位", device[2]
        exif_accuracy_unknown_ok = False
    else:
        return Verdict("unverifiable", "；".join(["照片和手机都没有位置信息", *notes]), None)
    if not exif_accuracy_unknown_ok and (accuracy is None or float(accuracy) > max_accuracy_m):
        shown = "未知" if accuracy is None else f"{float(accuracy):.0f}米"
        return Verdict("unverifiable", "；".join([f"{source}精度{shown}，低于{max_accuracy_m}米的要求", *notes]),
                       None)
    distance = round(distance_m(where[0], where[1], site[0], site[1]))
    if distance > max_distance_m:
        return Verdict("far", "；".join([f"{source}距项目位置{distance:,}米，超过{max_distance_m}米", *notes]),
                       distance)
    if notes:
        return Verdict("unverifiable", "；".join([f"{source}距项目位置{distance:,}米", *notes]), distance)
    return Verdict("match", f"{source}距项目位置{distance:,}米", distance)
