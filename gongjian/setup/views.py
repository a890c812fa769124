"""The system administrator's page for units and people from Excel (org import sits above campaigns: it names the
focus areas a leader oversees)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from gongjian.errors import UserError
from gongjian.listing import xlsx_response
from gongjian.org.access import has_role, require
from gongjian.org.models import Role
from gongjian.setup import orgsheet


def _require_system_admin(request) -> None:
    require(has_role(request.user, Role.SYSTEM_ADMIN))


@require_http_methods(["GET", "POST"])
def org_import(request):
    _require_system_admin(request)
    context: dict = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        commit = request.POST.get("commit") == "1"
        if upload is None:
            context["error"] = "请选择要上传的 .xlsx 文件"
            return render(request, "org/org_import.html", context, status=400)
        try:
            result = orgsheet.import_org(actor=request.user, data=upload.read(), commit=commit)
        except UserError as exc:
            context["error"] = exc.message
            return render(request, "org/org_import.html", context, status=400)
        context.update({"result": result, "committed": commit and not result.errors})
        return render(request, "org/org_import.html", context, status=400 if result.errors else 200)
    return render(request, "org/org_import.html", context)


@require_GET
def org_template(request):
    _require_system_admin(request)
    return xlsx_response(orgsheet.template(), "单位人员导入模板")


@require_GET
def org_export(request):
    _require_system_admin(request)
    return xlsx_response(orgsheet.export(), "单位人员")


