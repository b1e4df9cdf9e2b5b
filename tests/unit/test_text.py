"""Normalisation and code-point/UTF-16 conversion."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from app.domain.text import Utf16Map, normalise, sha256_hex


def test_normalise_strips_bom_and_unifies_line_breaks() -> None:
    assert normalise("\ufeffone\r\ntwo\rthree\u2028four\u2029five\n") == "one\ntwo\nthree\nfour\nfive\n"


def test_normalise_composes_accents_and_keeps_everything_else() -> None:
    nfd = "Cafe\u0301 \u00a0“quoted” — end  \n\n"
    assert normalise(nfd) == "Caf\u00e9 \u00a0“quoted” — end  \n\n"


def test_normalise_keeps_a_bom_that_is_not_leading() -> None:
    assert normalise("a\ufeffb") == "a\ufeffb"


def test_sha256_is_of_the_utf8_bytes() -> None:
    assert sha256_hex("Ж😀") == hashlib.sha256("Ж😀".encode()).hexdigest()


def _reference_u16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def test_utf16_map_counts_emoji_as_two_units() -> None:
    text = "a😀b\u00a0e\u0301\n🇷🇺x"
    m = Utf16Map(text)
    assert m.length_u16 == len(text.encode("utf-16-le")) // 2
    assert [m.to_utf16(i) for i in range(len(text) + 1)] == [_reference_u16(text, i) for i in range(len(text) + 1)]
    assert m.to_utf16(2) == 3  # "b" comes after the two halves of the emoji
    assert m.to_codepoint(3) == 2


def test_position_inside_a_surrogate_pair_maps_to_after_the_character() -> None:
    m = Utf16Map("a😀b")
    assert m.to_codepoint(2) == 2


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60))
def test_utf16_map_round_trips_every_offset(text: str) -> None:
    m = Utf16Map(text)
    for cp in range(len(text) + 1):
        u16 = m.to_utf16(cp)
        assert u16 == _reference_u16(text, cp)
        assert m.to_codepoint(u16) == cp
