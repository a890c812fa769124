"""What every list page shares: sorting by a whitelisted column, filters kept in the URL, 50 rows a page, and an
Excel export of exactly the rows the filters select."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse

from gongjian import clock

PAGE_SIZE = 50


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    order_by: str | None  # None: not sortable


def sorted_queryset(queryset: QuerySet, request, columns: Sequence[SortColumn], default: str) -> tuple[QuerySet, str]:
    requested = request.GET.get("sort", default)
    keys = {c.key: c.order_by for c in columns if c.order_by}
    descending = requested.startswith("-")
    key = requested.lstrip("-")
    if key not in keys:
        requested, descending, key = default, default.startswith("-"), default.lstrip("-")
    field = keys[key]
    return queryset.order_by(("-" if descending else "") + field, ("-" if descending else "") + "id"), requested


def page_of(queryset, request):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    # The file name is made here, never taken from the user.
    filename = f"{stem}-{clock.now():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def querystring_without(request, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


