"""Reads on documents: the letter a document becomes, and its files."""

from gongjian.documents import builder
from gongjian.documents.models import Document
from gongjian.documents.services import letterhead


def letter_of(document: Document) -> builder.Letter:
    head = letterhead()
    return builder.Letter(
        authority=head.authority, title=document.title, body=document.body.splitlines(), signature=head.signature,
        issued_on=document.issued_on, number=document.number, signer=document.signer_name,
        recipient=document.recipient, cc=document.cc, printer=head.printer,
        seal=bytes(head.seal) if head.seal and document.is_signed else None,
    )


def docx_of(document: Document) -> bytes:
    if document.bulletin_id:
        # The monthly 通报 keeps its own sections and tables on the same page (bulletins.documents).
        from gongjian.bulletins import documents as bulletin_documents
        from gongjian.bulletins import selectors as bulletin_selectors

        content = bulletin_selectors.document(document.bulletin)
        head = letterhead()
        content |= {"authority": head.authority, "cc": document.cc}
        if document.is_signed:
            content |= {"document_number": document.number, "signer": document.signer_name,
                        "issued_on": document.issued_on.isoformat()}
        return bulletin_documents.build_docx(content)
    return builder.build(letter_of(document))


def file_name(document: Document, suffix: str) -> str:
    return f"{document.number or document.get_doc_type_display() + '（草稿）'}-{document.title[:30]}.{suffix}"


def file_response(content: bytes, document: Document, suffix: str, content_type: str):
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (f"attachment; filename=\"document.{suffix}\"; "
                                       f"filename*=UTF-8''{quote(file_name(document, suffix))}")
    return response
