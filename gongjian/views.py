"""Error pages in Chinese, so that no user ever meets a bare server page."""

from django.shortcuts import render


def _page(request, status: int, title: str, message: str):
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status=status)


def not_found(request, exception=None):
    return _page(request, 404, "未找到", "您访问的页面不存在，或不在您的权限范围内。")


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有权限执行此操作。"
    return _page(request, 403, "无权操作", message)


def bad_request(request, exception=None):
    from gongjian.forms_util import BadParameter
    from gongjian.uploads import UploadTooLarge

    message = str(exception) if isinstance(exception, BadParameter | UploadTooLarge) else "请求内容不正确，请返回重试。"
    return _page(request, 400, "请求有误", message)


def server_error(request):
    return _page(request, 500, "系统繁忙", "服务器出现问题，已记录，请稍后重试。")
