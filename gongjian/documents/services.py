"""Writes on documents: drafting, review, signing with its number, and the office's letterhead settings."""

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from gongjian import clock
from gongjian.audit.services import record
from gongjian.campaigns.models import Task
from gongjian.documents.models import DocType, Document, Letterhead, NumberCounter
from gongjian.errors import Conflict, UserError
from gongjian.org.access import is_leader, is_office
from gongjian.types import User
from gongjian.validate import clean_text as _text

if TYPE_CHECKING:  # bulletins sit above documents in the data flow: a type, never a runtime import
    from gongjian.bulletins.models import Bulletin

MAX_SEAL_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def letterhead() -> Letterhead:
    head = Letterhead.objects.order_by("pk").first()
    return head if head is not None else Letterhead.objects.get_or_create(pk=1)[0]


def number_text(doc_type: str, year: int, serial: int, head: Letterhead | None = None) -> str:
    """发文机关代字〔年份〕序号号, the serial without leading zeros."""
    return f"{(head or letterhead()).code_for(doc_type)}〔{year}〕{serial}号"


def issue_number(*, doc_type: str, year: int, actor: User | None = None) -> int:
    """Take the next serial for (type, year). The counter row is locked until the caller's transaction ends, so a
    second issuer waits; a rolled-back transaction gives its number back, so no gaps."""
    if doc_type not in DocType.values:
        raise UserError(f"未知的文种：{doc_type}", "invalid", field="doc_type")
    with transaction.atomic():
        counter = NumberCounter.objects.select_for_update().filter(doc_type=doc_type, year=year).first()
        if counter is None:
            try:
                with transaction.atomic():
                    NumberCounter.objects.create(doc_type=doc_type, year=year)
            except IntegrityError:
                pass  # someone else created it first; their row is the one to lock
            counter = NumberCounter.objects.select_for_update().get(doc_type=doc_type, year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        record(actor=actor, actor_name="system" if actor is None else "", event="document.number", obj=counter,
               changes={"doc_type": doc_type, "year": year, "serial": counter.last})
        return counter.last


def _fields(*, title: str, body: str, recipient: str, cc: str) -> dict:
    return {"title": _text(title, "title", "标题", max_length=200),
            "body": _text(body, "body", "正文", max_length=50000),
            "recipient": _text(recipient, "recipient", "主送机关", max_length=300, required=False),
            "cc": _text(cc, "cc", "抄送机关", max_length=300, required=False)}


@transaction.atomic
def document_create(*, actor: User, doc_type: str, title: str, body: str, recipient: str = "", cc: str = "",
                    task: Task | None = None, bulletin: "Bulletin | None" = None) -> Document:
    if doc_type not in DocType.values:
        raise UserError("请选择文种", "invalid", field="doc_type")
    document = Document.objects.create(doc_type=doc_type, drafted_by=actor, task=task, bulletin=bulletin,
                                       **_fields(title=title, body=body, recipient=recipient, cc=cc))
    record(actor=actor, event="document.create", obj=document,
           changes={"doc_type": doc_type, "title": document.title, "task": task.pk if task else None})
    return document


def _lock(document: Document, *expected: str) -> Document:
    current = Document.objects.select_for_update().get(pk=document.pk)
    if current.status not in expected:
        raise Conflict(f"公文当前状态为“{current.get_status_display()}”，不能执行此操作", "bad_transition")
    return current


@transaction.atomic
def document_update(*, actor: User, document: Document, title: str, body: str, recipient: str = "",
                    cc: str = "") -> Document:
    document = _lock(document, Document.Status.DRAFT)
    before = {f: getattr(document, f) for f in ("title", "body", "recipient", "cc")}
    for name, value in _fields(title=title, body=body, recipient=recipient, cc=cc).items():
        setattr(document, name, value)
    document.save()
    record(actor=actor, event="document.update", obj=document,
           changes={f: [before[f], getattr(document, f)] for f in before if before[f] != getattr(document, f)})
    return document


@transaction.atomic
def document_submit(*, actor: User, document: Document) -> Document:
    """拟稿 → 审核."""
    document = _lock(document, Document.Status.DRAFT)
    document.status = Document.Status.REVIEW
    document.save()
    record(actor=actor, event="document.submit", obj=document, changes={"status": ["draft", "review"]})
    return document


@transaction.atomic
def document_review(*, actor: User, document: Document, approve: bool, note: str = "") -> Document:
    """审核: approved goes to signing; returned goes back to the drafter with the reason."""
    document = _lock(document, Document.Status.REVIEW)
    note = _text(note, "note", "审核意见", max_length=1000, required=not approve)
    document.status = Document.Status.APPROVED if approve else Document.Status.DRAFT
    document.reviewed_by = actor
    document.review_note = note
    document.save()
    record(actor=actor, event="document.approve" if approve else "document.return", obj=document,
           changes={"status": ["review", document.status], "note": note})
    return document


@transaction.atomic
def document_sign(*, actor: User, document: Document) -> Document:
    """签发: the signer takes responsibility and the document gets its number and date; nothing leaves before."""
    if not (is_office(actor) or is_leader(actor)):
        raise UserError("只有督查室或市级领导可以签发", "forbidden", status=403)
    document = _lock(document, Document.Status.APPROVED)
    today = clock.today()
    document.year = today.year
    document.serial = issue_number(doc_type=document.doc_type, year=today.year, actor=actor)
    document.number = number_text(document.doc_type, document.year, document.serial)
    document.status = Document.Status.SIGNED
    document.signed_by = actor
    person = getattr(actor, "person", None)
    document.signer_name = person.display_name if person is not None else actor.get_username()
    document.issued_on = today
    document.save()
    record(actor=actor, event="document.sign", obj=document,
           changes={"number": document.number, "signer": document.signer_name, "at": clock.now()})
    return document


@transaction.atomic
def letterhead_update(*, actor: User, authority: str, signature: str, abbreviation: str = "", printer: str = "",
                      seal: bytes | None = None, clear_seal: bool = False) -> Letterhead:
    head = Letterhead.objects.select_for_update().get(pk=letterhead().pk)
    head.authority = _text(authority, "authority", "发文机关标志", max_length=40)
    head.signature = _text(signature, "signature", "发文机关署名", max_length=40)
    head.abbreviation = _text(abbreviation, "abbreviation", "地名简称", max_length=4, required=False)
    head.printer = _text(printer, "printer", "印发机关", max_length=40, required=False) or head.signature
    if seal is not None:
        if len(seal) > MAX_SEAL_BYTES or not seal.startswith(PNG_SIGNATURE):
            raise UserError("印章图片须为不超过1MB的PNG文件", "invalid", field="seal")
        head.seal = seal
    elif clear_seal:
        head.seal = None
    head.save()
    record(actor=actor, event="letterhead.update", obj=head,
           changes={"authority": head.authority, "abbreviation": head.abbreviation, "seal": bool(head.seal)})
    return head
