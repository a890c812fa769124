"""Reads on documents: the letter a document becomes, and its files."""

from collections.abc import Callable

from django.http import HttpResponse

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


# Apps to the right that print their own body on the official page (the monthly 通报) register here from their
# AppConfig.ready(), so documents never imports them: doc_type → (document, letter) → .docx bytes.
_RENDERERS: dict[str, Callable[[Document, builder.Letter], bytes]] = {}


def register_renderer(doc_type: str, render: Callable[[Document, builder.Letter], bytes]) -> None:
    _RENDERERS[doc_type] = render


def docx_of(document: Document) -> bytes:
    letter = letter_of(document)
    render = _RENDERERS.get(document.doc_type)
    if render is not None and document.bulletin_id:
        return render(document, letter)
    return builder.build(letter)


def file_name(document: Document, suffix: str) -> str:
    return f"{document.number or document.get_doc_type_display() + '（草稿）'}-{document.title[:30]}.{suffix}"


def file_response(content: bytes, document: Document, suffix: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (f"attachment; filename=\"document.{suffix}\"; "
                                       f"filename*=UTF-8''{quote(file_name(document, suffix))}")
    return response
