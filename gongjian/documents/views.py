"""Pages for 公文: the list with numbers, drafting, the review and signing steps, .docx / PDF downloads, and the
office's letterhead settings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjian.documents import pdf, selectors, services
from gongjian.documents.access import can_handle, document_for, documents_visible_to
from gongjian.documents.forms import DocumentForm, LetterheadForm, ReviewForm
from gongjian.documents.models import DocType
from gongjian.errors import UserError
from gongjian.forms_util import add_user_error
from gongjian.listing import page_of
from gongjian.org.access import is_office, require

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def document_list(request):
    documents = documents_visible_to(request.user)
    doc_type = request.GET.get("type", "")
    if doc_type in DocType.values:
        documents = documents.filter(doc_type=doc_type)
    page = page_of(documents.order_by("-id"), request)
    return render(request, "documents/list.html", {"page": page, "types": DocType.choices, "doc_type": doc_type,
                                                   "can_draft": is_office(request.user)})


@require_http_methods(["GET", "POST"])
def document_new(request):
    require(is_office(request.user))
    form = DocumentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                document = services.document_create(actor=request.user, **form.cleaned_data)
            except UserError as exc:
                add_user_error(form, exc)
                status = exc.status
            else:
                return redirect("document_detail", pk=document.pk)
        else:
            status = 400
    return render(request, "documents/edit.html", {"form": form, "document": None}, status=status)


@require_http_methods(["GET", "POST"])
def document_edit(request, pk: int):
    document = document_for(request.user, pk, write="edit")
    require(can_handle(request.user, document, "edit"))
    initial = {f: getattr(document, f) for f in ("doc_type", "title", "recipient", "body", "cc")}
    form = DocumentForm(request.POST or None, initial=initial)
    form.fields["doc_type"].disabled = True
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ("title", "body", "recipient", "cc")}
            try:
                services.document_update(actor=request.user, document=document, **data)
            except UserError as exc:
                add_user_error(form, exc)
                status = exc.status
            else:
                return redirect("document_detail", pk=document.pk)
        else:
            status = 400
    return render(request, "documents/edit.html", {"form": form, "document": document}, status=status)


def _detail(request, document, review_form=None, status=200):
    user = request.user
    return render(request, "documents/detail.html", {
        "document": document, "paragraphs": [p for p in document.body.splitlines() if p.strip()],
        "can_edit": can_handle(user, document, "edit"), "can_submit": can_handle(user, document, "submit"),
        "can_review": can_handle(user, document, "review"), "can_sign": can_handle(user, document, "sign"),
        "review_form": review_form or ReviewForm(), "pdf_available": pdf.available(),
        "letterhead": services.letterhead(),
    }, status=status)


@require_GET
def document_detail(request, pk: int):
    return _detail(request, document_for(request.user, pk))


@require_POST
def document_step(request, pk: int, step: str):
    document = document_for(request.user, pk, write="sign" if step == "sign" else "review")
    require(step in ("submit", "approve", "return", "sign"))
    require(can_handle(request.user, document, "review" if step in ("approve", "return") else step))
    form = ReviewForm(request.POST)
    try:
        if step == "submit":
            services.document_submit(actor=request.user, document=document)
        elif step == "sign":
            document = services.document_sign(actor=request.user, document=document)
        else:
            form.is_valid()
            services.document_review(actor=request.user, document=document, approve=step == "approve",
                                     note=form.cleaned_data.get("note", ""))
    except UserError as exc:
        add_user_error(form, exc)
        return _detail(request, document_for(request.user, pk), form, status=exc.status)
    messages.success(request, {"submit": "已送审核", "approve": "审核通过，待签发", "return": "已退回修改",
                               "sign": f"已签发，发文字号 {document.number}"}[step])
    return redirect("document_detail", pk=pk)


@require_GET
def document_docx(request, pk: int):
    document = document_for(request.user, pk)
    return selectors.file_response(selectors.docx_of(document), document, "docx", DOCX_TYPE)


@require_GET
def document_pdf(request, pk: int):
    document = document_for(request.user, pk)
    try:
        content = pdf.to_pdf(selectors.docx_of(document))
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("document_detail", pk=pk)
    return selectors.file_response(content, document, "pdf", "application/pdf")


@require_http_methods(["GET", "POST"])
def letterhead_settings(request):
    require(is_office(request.user))
    head = services.letterhead()
    form = LetterheadForm(request.POST or None, request.FILES or None, initial={
        "authority": head.authority, "signature": head.signature, "abbreviation": head.abbreviation,
        "printer": head.printer})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            seal = data.pop("seal")
            try:
                services.letterhead_update(actor=request.user, seal=seal.read() if seal else None, **data)
            except UserError as exc:
                add_user_error(form, exc)
                status = exc.status
            else:
                messages.success(request, "公文版式设置已保存")
                return redirect("letterhead_settings")
        else:
            status = 400
    example = services.number_text(DocType.NOTICE, 2023, 12, head)
    return render(request, "documents/letterhead.html", {"form": form, "head": head, "example": example},
                  status=status)
