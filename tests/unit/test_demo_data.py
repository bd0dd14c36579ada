"""The demo data (local stack seed, samples) agree with themselves: 处罚内容 states the 罚款金额,
an enterprise's address and registration authority are in the county its codes name, and every
bureau has its own agency code. Each demo record passes validation."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest

from chalicelib.catalog import COUNTY_REGIONS, load_catalog
from chalicelib.domain.validation import validate_record
from chalicelib.local.demo_data import _SAMPLES, fine_in_words, sample_record
from chalicelib.local.seed import demo_enterprises, demo_licences, demo_penalties

CATALOG = load_catalog()
ENTERPRISES = demo_enterprises()
PENALTIES = demo_penalties(ENTERPRISES[:12])
LICENCES = demo_licences(ENTERPRISES[:12])
AS_OF = date(2026, 10, 1)


@pytest.mark.parametrize(("wan", "words"), [(1, "壹万元"), (5, "伍万元"), (10, "壹拾万元"), (12, "壹拾贰万元"), (60, "陆拾万元")])
def test_fine_in_words(wan, words):
    assert fine_in_words(wan) == words


def test_penalty_content_states_the_fine():
    for record in [*PENALTIES, sample_record("admin_penalty")]:
        if "罚款" in record["CF_CFLB"]:
            assert record["CF_NR"].endswith(fine_in_words(int(record["CF_NR_FK"]))), record
        else:
            assert "CF_NR_FK" not in record and "万元" not in record["CF_NR"], record
    assert {r["CF_CFLB"] for r in PENALTIES} == {"罚款", "警告"}


def test_address_and_authority_are_in_the_county_of_the_codes():
    for e in [*ENTERPRISES, sample_record("registration")]:
        county = COUNTY_REGIONS[e["uscc"][2:8]]
        assert e["regno"][:6] == e["uscc"][2:8]
        assert county in e["address"] and county in e["registration_authority"], e
        others = [c for c in COUNTY_REGIONS.values() if c != county]
        assert not any(c in e["address"] for c in others), e


def test_each_bureau_has_its_own_agency_code():
    codes = defaultdict(set)
    for record in [*_SAMPLES.values(), *PENALTIES, *LICENCES]:
        for name_key, code_key in (("CF_CFJG", "CF_CFJGDM"), ("CF_SJLY", "CF_SJLYDM"),
                                   ("XK_XKJG", "XK_XKJGDM"), ("XK_LYDW", "XK_LYDWDM")):
            if record.get(name_key):
                codes[record[name_key]].add(record[code_key])
    assert all(len(c) == 1 for c in codes.values()), codes
    owners = defaultdict(set)
    for name, c in codes.items():
        owners[next(iter(c))].add(name)
    assert all(len(names) == 1 for names in owners.values()), owners


@pytest.mark.parametrize(("category", "records"), [
    ("registration", ENTERPRISES), ("admin_penalty", PENALTIES), ("admin_license", LICENCES)])
def test_every_demo_record_is_valid(category, records):
    for record in records:
        check = validate_record(CATALOG.category(category), record, AS_OF)
        assert check.ok, (record, check.errors)
    assert re.fullmatch(r"广环罚〔2026〕\d+号", PENALTIES[0]["CF_WSH"])
