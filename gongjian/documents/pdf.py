"""PDF through headless LibreOffice (Debian package libreoffice-writer-nogui) when `soffice` is installed."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from gongjian.errors import UserError

TIMEOUT_SECONDS = 120


def available() -> bool:
    return shutil.which("soffice") is not None


def to_pdf(docx: bytes) -> bytes:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise UserError("服务器未安装 LibreOffice，暂不能生成 PDF，请下载 Word 文档", "no_pdf", status=409)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(docx)
        # A private profile directory: two conversions at once would otherwise fight over the user's profile lock.
        profile = Path(tmp, "profile").as_uri()
        try:
            subprocess.run(  # noqa: S603 - a fixed argument list, no shell; the input file is our own
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", tmp,
                 str(source)], check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            raise UserError("PDF 转换失败，请下载 Word 文档", "pdf_failed", status=409) from None
        target = Path(tmp) / "document.pdf"
        if not target.exists():
            raise UserError("PDF 转换失败，请下载 Word 文档", "pdf_failed", status=409)
        return target.read_bytes()
