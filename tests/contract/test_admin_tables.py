"""Contracts of the admin-kept tables: working-day overrides and departments."""
from __future__ import annotations

from datetime import date

from chalicelib.catalog.model import Department
from chalicelib.domain.workdays import YearOverride


def test_calendar_overrides_round_trip(repos):
    calendar = repos["calendar_repo"]
    o = YearOverride(holidays={date(2030, 1, 1), date(2030, 10, 1)}, workdays={date(2030, 9, 28)})
    calendar.put(2030, o, "admin", "2029-12-01T09:00")
    calendar.put(2031, YearOverride(holidays={date(2031, 1, 1)}, workdays=set()), "admin", "t")
    got = calendar.overrides({2030, 2031, 2032})
    assert set(got) == {2030, 2031}
    assert (got[2030].holidays, got[2030].workdays) == (o.holidays, o.workdays)
    assert got[2031].workdays == set()
    assert calendar.overrides(set()) == {}


def test_departments_listed_by_id(repos):
    departments = repos["department_repo"]
    d = [Department(id=i, name=f"部门{i}", categories=["admin_penalty"]) for i in ("d13", "d02", "d07")]
    departments.put_many(d[:2])
    departments.put(d[2])
    departments.put(d[0].model_copy(update={"name": "改名"}))
    assert [x.id for x in departments.all()] == ["d02", "d07", "d13"]
    assert departments.get("d13").name == "改名" and departments.get("d99") is None
    assert departments.put_many([]) is None
