"""统一社会信用代码 (GB 32100-2015) and 工商注册号 (ISO 7064 MOD 11,10): vectors and properties."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain.identifiers import (
    USCC_ALPHABET,
    is_individual_placeholder,
    is_local_region,
    is_regno_format,
    is_uscc_format,
    is_valid_regno,
    is_valid_uscc,
    make_regno,
    make_uscc,
    normalize_code,
    region_of,
    region_of_regno,
    regno_check_digit,
    uscc_check_char,
)

uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)
regno_bodies = st.text(alphabet="0123456789", min_size=14, max_size=14)


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",  # GB 32100 example (SPEC §3)
    "9144030071526726XG",  # published codes of large enterprises (business licences)
    "914403001922038216",
    "91330100716105852F",
])
def test_given_published_uscc_vectors_then_valid(code):
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",   # wrong check char
    "91350100M000100Y4",    # 17 chars
    "91350100M000100Y433",  # 19 chars
    "91350100I000100Y43",   # I is not in the alphabet
    "91350100m000100y43",   # lower case (normalize first)
    "",
])
def test_given_known_bad_usccs_then_invalid(code):
    assert not is_valid_uscc(code)


def test_given_the_spec_regno_vector_then_valid_and_a_changed_digit_invalid():
    assert is_valid_regno("110108000000016")
    assert regno_check_digit("11010800000001") == 6
    assert not is_valid_regno("110108000000017")
    assert not is_valid_regno("11010800000001")
    assert not is_valid_regno("11010800000001X")
    assert not is_valid_regno("１１０１０８０００００００１６")  # full-width digits: normalize first


def test_given_non_strings_then_nothing_raises():
    for value in (None, 123, 1.5, [], {}, b"91350100M000100Y43"):
        assert not is_valid_uscc(value) and not is_valid_regno(value)
        assert not is_uscc_format(value) and not is_regno_format(value)
    assert uscc_check_char("short") is None and regno_check_digit("12") is None
    with pytest.raises(ValueError):
        make_uscc("I" * 17)


@given(uscc_bodies)
def test_given_any_body_when_made_then_valid_and_region_is_positions_3_to_8(body):
    code = make_uscc(body)
    assert is_valid_uscc(code) and len(code) == 18
    assert region_of(code) == (body[2:8] if body[2:8].isdigit() else None)


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_given_a_valid_uscc_when_one_char_changes_then_the_check_fails(body, pos, ch):
    code = make_uscc(body)
    changed = code[:pos] + ch + code[pos + 1:]
    assert is_valid_uscc(changed) == (changed == code)


@given(regno_bodies, st.integers(0, 14), st.sampled_from("0123456789"))
def test_given_a_valid_regno_when_one_digit_changes_then_the_check_fails(body, pos, digit):
    code = make_regno(body)
    assert is_valid_regno(code) and region_of_regno(code) == body[:6]
    changed = code[:pos] + digit + code[pos + 1:]
    assert is_valid_regno(changed) == (changed == code)


@given(st.text(max_size=40))
def test_given_any_text_then_normalize_code_is_idempotent_and_upper(text):
    once = normalize_code(text)
    assert normalize_code(once) == once
    assert once == once.strip()


def test_given_full_width_and_spaces_then_normalized():
    assert normalize_code("　９１３５０１００ｍ０００１００ｙ４３ ") == "91350100M000100Y43"
    assert normalize_code(110108000000016) == "110108000000016"
    assert normalize_code(1.10108000000016e14) == "110108000000016"
    assert normalize_code(None) == ""


def test_given_the_individual_placeholder_then_recognised_and_regionless():
    assert is_individual_placeholder("00000000000000000X")
    assert is_individual_placeholder(" 00000000000000000x ")
    assert not is_individual_placeholder("91350100M000100Y43")
    assert region_of("00000000000000000X") is None


def test_given_regions_then_only_5108_is_local():
    assert region_of("91350100M000100Y43") == "350100"
    assert is_local_region(region_of(make_uscc("91510802MA62XK0Q7")))
    assert is_local_region("510824")
    assert not is_local_region("350100") and not is_local_region(None)
    assert region_of_regno("110108000000016") == "110108" and region_of_regno("bad") is None
