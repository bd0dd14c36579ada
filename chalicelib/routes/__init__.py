"""The HTTP routes, one Chalice blueprint per audience (registered by app.py).

- `pages`: the static pages of the portal and the public site, and the health probe;
- `public`: 公示查询 — no login (search, enterprise pages, credit check, attestations, feed, open data);
- `department`: 部门用户 — login, catalog and templates, records, uploads, sharing, watchlists, notices;
- `supervision`: 监管 — reports;
- `admin`: 管理员 — users, departments, calendar, jobs, audit trail.

Each module builds its routes with `chalicelib.web.Router`, which applies the one route × role
table (`chalicelib/identity/policy.py`), audit entries and error bodies to every route.
"""
