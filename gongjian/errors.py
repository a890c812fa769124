class UserError(Exception):
    """An error the user caused and can fix; views turn it into a 4xx with the message.

    `message` is Chinese text shown to the user; `code` is a stable machine-readable slug;
    `field` names the form/API field (or "row 3, column 截止日期" for spreadsheets) when known.
    """

    status = 400

    def __init__(self, message: str, code: str = "invalid", *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        if status is not None:
            self.status = status


class Conflict(UserError):
    status = 409


class NotFound(UserError):
    status = 404


class Forbidden(UserError):
    status = 403


class QuietForbidden:
    """Logging filter: a 403 keeps its one-line record but loses the traceback."""

    def filter(self, record) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
