"""Upload size refused while the body arrives (settings FILE_UPLOAD_HANDLERS), whatever the proxy in front allows.

Django's own handlers write the whole body to a temporary file before any view can look at a file's size; this
handler runs first and stops the request as soon as the declared length or the bytes received exceed the limits."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadTooLarge(RequestDataTooBig):
    """Answered with 400 and this message (gongjian.views.bad_request, the Open311 error format for Open311)."""


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)}MB"


class SizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise UploadTooLarge(f"上传内容过大：一次最多{_mb(settings.UPLOAD_MAX_REQUEST_BYTES)}，"
                                 f"每个文件不超过{_mb(settings.UPLOAD_MAX_FILE_BYTES)}")
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_FILE_BYTES:
            raise UploadTooLarge(f"文件“{self.file_name}”过大：每个文件不超过{_mb(settings.UPLOAD_MAX_FILE_BYTES)}")
        return raw_data

    def file_complete(self, file_size):
        return None
