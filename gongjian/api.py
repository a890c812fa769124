"""Shared API plumbing: UserError → 4xx with the Chinese message and the field it concerns."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from gongjian.errors import UserError
from gongjian.validate import INT_MAX


def exception_handler(exc, context):
    if isinstance(exc, UserError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "您没有权限执行此操作")
    return drf_exception_handler(exc, context)


MAX_PAGE_SIZE = 500
# Offsets beyond this cannot address a real row and overflow the database's integer types.
MAX_OFFSET = 2**31 - 1


def _paging_number(request, name: str, default: int | None, maximum: int) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserError(f"“{name}”须为整数", "invalid", field=name) from None
    if value < 0 or value > maximum:
        raise UserError(f"“{name}”须在0到{maximum}之间", "out_of_range", field=name)
    return value


class Pagination(LimitOffsetPagination):
    """Limit/offset paging with the page size capped and both numbers checked (400, never a 500)."""

    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request):
        # A limit above the cap (but a valid 64-bit integer) is not an error: the client gets the largest page.
        limit = _paging_number(request, self.limit_query_param, self.default_limit, INT_MAX)
        return min(limit, self.max_limit) if limit else self.default_limit

    def get_offset(self, request):
        return _paging_number(request, self.offset_query_param, 0, MAX_OFFSET)
