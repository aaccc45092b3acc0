"""Keeps secrets and personal data out of every log line, whatever logger or handler writes it.

Installed as the logging record factory (AccountsConfig.ready), so it applies before any handler,
filter or formatter sees the record: our request log, Django's error and security loggers, and
gunicorn's access and error logs when they run in the same process. It removes
- the secret part of emailed links (/accounts/verify/…, /accounts/reset/…/…, /accounts/email/confirm/…),
- API tokens (bsp_…) and anything after "Bearer",
- email addresses,
- query strings of any URL path (tool inputs, report filters, next= targets).
"""

from __future__ import annotations

import logging
import re
from typing import Any

REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(/accounts/(?:verify|email/confirm))/[^/\s\"'?]+"), r"\1/[token]"),
    (re.compile(r"(/accounts/reset)/[^/\s\"'?]+/[^/\s\"'?]+"), r"\1/[uid]/[token]"),
    (re.compile(r"(?i)\bbearer\s+\S+"), "Bearer [token]"),
    (re.compile(r"\bbsp_[A-Za-z0-9_\-]{4,}"), "bsp_[token]"),
    (re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"(/[^\s\"'?]*)\?[^\s\"']+"), r"\1?[query]"),
)


def redact(text: str) -> str:
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


_base_factory = logging.getLogRecordFactory()


def _redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a malformed call must still be logged; it is then logged unformatted
        message = str(record.msg)
    redacted = redact(message)
    if redacted != message or record.args:
        record.msg, record.args = redacted, None
    # Tracebacks are formatted once here (handlers reuse exc_text), so exception messages that
    # quote an input are redacted too.
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def install() -> None:
    if logging.getLogRecordFactory() is not _redacting_factory:
        logging.setLogRecordFactory(_redacting_factory)
