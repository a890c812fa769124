"""What may be attached as evidence: images and PDFs, recognised by their first bytes, not their names."""

from dataclasses import dataclass

from gongjian.errors import UserError

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", FileKind("image/png", "png")),
    (b"\xff\xd8\xff", FileKind("image/jpeg", "jpg")),
    (b"%PDF-", FileKind("application/pdf", "pdf")),
]


def check(upload) -> FileKind:
    if upload is None or not getattr(upload, "size", 0):
        raise UserError("请选择要上传的文件", "required", field="file")
    if upload.size > MAX_BYTES:
        raise UserError("附件不能超过10MB", "too_large", field="file")
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    raise UserError("只能上传图片（JPG、PNG）或PDF文件", "bad_type", field="file")
