"""Shared API plumbing: UserError → 4xx with the Chinese message and the field it concerns."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from gongjian.errors import UserError


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
