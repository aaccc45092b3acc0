"""A minimum-strength rule on top of Django's validators (length, common list, all digits, similarity).

Django's list catches "password" but not "Password2024!!", and length alone lets "aaaaaaaaaaaa" or
"qwertyuiop123456" through. This rule refuses a password when, after removing what a guesser tries
first (runs like abc / 4321, keyboard rows, a repeated chunk), little is left; or when its letters
alone are a common password (a common word with digits and symbols stuck on).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
MIN_DISTINCT = 6
MIN_UNPREDICTABLE = 8


def _without_runs(text: str) -> str:
    """Drops every stretch of 3+ characters that steps by ±1 (abc, 987) or follows a keyboard row."""
    rows = KEYBOARD_ROWS + tuple(row[::-1] for row in KEYBOARD_ROWS)
    keep = [True] * len(text)
    for start in range(len(text) - 2):
        for end in range(len(text), start + 2, -1):
            chunk = text[start:end]
            steps = {ord(b) - ord(a) for a, b in pairwise(chunk)}
            if steps in ({1}, {-1}) or any(chunk in row for row in rows):
                keep[start:end] = [False] * (end - start)
                break
    return "".join(ch for ch, kept in zip(text, keep, strict=True) if kept)


def _without_repeats(text: str) -> str:
    """Collapses a password made of one chunk repeated (abcabcabc → abc, 12341234 → 1234)."""
    for size in range(1, len(text) // 2 + 1):
        chunk = text[:size]
        if len(text) % size == 0 and chunk * (len(text) // size) == text:
            return chunk
    return text


class MinimumStrengthValidator:
    def __init__(self) -> None:
        self.common = CommonPasswordValidator().passwords

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        letters = "".join(ch for ch in lowered if ch.isalpha())
        left = _without_runs(_without_repeats(_without_runs(lowered.replace(" ", ""))))
        left = _without_repeats(left)
        if (
            len(set(lowered)) < MIN_DISTINCT
            or len(left) < MIN_UNPREDICTABLE
            or (len(letters) >= 4 and letters in self.common)
        ):
            raise ValidationError(
                "this password is too predictable (repeated characters, runs like 1234 or qwerty, or a "
                "common word with digits or symbols added); use a phrase of several unrelated words.",
                code="password_too_predictable",
            )

    def get_help_text(self) -> str:
        return (
            "Your password cannot be mostly repeats, runs like 1234 or qwerty, "
            "or a common word with digits added."
        )
