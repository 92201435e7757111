"""Keep Floqer keys and the app's API tokens out of every log line, whoever logs it (the app,
uvicorn, a traceback)."""

from __future__ import annotations

import logging
import re
from typing import Any

# A Floqer key (floq_…), or one of the app's personal API tokens (wat_…, not inside a word).
KEY_PATTERN = re.compile(r"floq_[A-Za-z0-9_\-]+|(?<![A-Za-z0-9])wat_[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    return KEY_PATTERN.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    return "wat_…" if match.group().startswith("wat_") else "floq_…"


def _redacted(value: Any) -> Any:
    """A log argument without keys; non-text arguments keep their type unless they hold one."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    return redact(text) if KEY_PATTERN.search(text) else value


class RedactingFilter(logging.Filter):
    """Masks keys in the message, each argument and any traceback.

    Arguments stay arguments: uvicorn's access formatter unpacks them by position.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
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


def logging_config() -> dict[str, Any]:
    """uvicorn's logging set-up plus the app's logger, every handler behind the filter."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": "webapp.redaction.RedactingFilter"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    config["loggers"]["webapp"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
