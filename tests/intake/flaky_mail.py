"""An email backend that fails a set number of times, then delivers (to a list the tests read)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any, ClassVar

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class FlakyBackend(BaseEmailBackend):
    failures_left: ClassVar[int] = 0
    sent: ClassVar[list[EmailMessage]] = []

    @classmethod
    def reset(cls, failures: int) -> None:
        cls.failures_left = failures
        cls.sent = []

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        FlakyBackend.sent.extend(email_messages)
        return len(email_messages)
