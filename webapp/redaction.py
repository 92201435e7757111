"""Keep Floqer keys out of every log line, whoever logs it (the app, uvicorn, a traceback)."""

from __future__ import annotations

import logging
import re

KEY_PATTERN = re.compile(r"floq_[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    return KEY_PATTERN.sub("floq_…", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True


def install_redaction() -> None:
    """Put the filter on every handler that exists now: the root's and uvicorn's."""
    redacting = RedactingFilter()
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(redacting)
