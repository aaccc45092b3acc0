"""`plain_words` skips a sentence that cannot hold a code word; the skip must never hide one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from besponsa.tools import forms


@given(st.text(alphabet=st.sampled_from("abcxyz019_.[] ,;:()-"), max_size=40))
def test_a_sentence_the_quick_check_skips_holds_no_code_word(text: str) -> None:
    if forms._MAYBE_CODE.search(text) is None:
        assert forms._CODE_WORD.search(text) is None
        assert forms.plain_words(text, {"labs.anc": "ANC"}) == text
