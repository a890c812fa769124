"""Who sees and handles documents: the office drafts and reviews; the office or a city leader signs (签发); a unit
sees a signed document sent about one of its items."""

from django.db.models import Q, QuerySet

from gongjian.documents.models import Document
from gongjian.org.access import get_or_404, is_leader, is_office, require, sees_everything, unit_id_of


def documents_visible_to(user) -> QuerySet[Document]:
    documents = Document.objects.select_related("task", "drafted_by", "signed_by")
    if sees_everything(user):
        return documents
    unit_id = unit_id_of(user)
    if unit_id is None:
        return documents.none()
    return documents.filter(Q(task__lead_unit_id=unit_id) | Q(task__co_units__id=unit_id),
                            status=Document.Status.SIGNED).distinct()


def can_handle(user, document: Document, action: str) -> bool:
    if action == "sign":
        return document.status == Document.Status.APPROVED and (is_office(user) or is_leader(user))
    if not is_office(user):
        return False
    allowed = {"edit": Document.Status.DRAFT, "submit": Document.Status.DRAFT, "review": Document.Status.REVIEW}
    return document.status == allowed[action]


def document_for(user, pk, *, write: str | None = None) -> Document:
    document = get_or_404(documents_visible_to(user), pk)
    if write == "sign":
        require(is_office(user) or is_leader(user))
    elif write is not None:
        require(is_office(user))
    return document
