"""The pages as the API serves them: one site header everywhere (from _header.html), every page in
its navigation, the page itself marked as current; the shared part is not served on its own."""
from __future__ import annotations

import re

from chalicelib.services.pages import ROOT

PAGES = sorted(p.name for p in ROOT.glob("*.html") if not p.name.startswith("_"))
NAV = re.compile(r'<nav class="site-nav"[^>]*>(.*?)</nav>', re.S)


def nav_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', NAV.search(html).group(1))


def test_given_every_page_then_the_same_header_and_navigation(client):
    navs = {}
    for name in PAGES:
        resp = client.http.get("/" if name == "index.html" else f"/pages/{name}")
        assert resp.status_code == 200, name
        html = resp.body.decode()
        assert "<!--#include" not in html and html.count('class="site-header"') == 1, name
        navs[name] = nav_links(html)
        own = "/" if name == "index.html" else f"/pages/{name}"
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', NAV.search(html).group(1))
        assert current == ([own] if own in navs[name] else []), name   # a detail page has no entry of its own
    assert len({tuple(v) for v in navs.values()}) == 1
    linked = set(next(iter(navs.values())))
    assert {"/pages/scorecards.html", "/pages/public.html", "/pages/portal.html", "/"} <= linked
    assert all(link == "/" or link.removeprefix("/pages/") in PAGES for link in linked)


def test_given_the_shared_part_then_it_is_not_served_alone(client):
    assert client.http.get("/pages/_header.html").status_code == 404


def test_given_every_page_then_the_shared_footer_links_the_accessibility_statement(client):
    for name in PAGES:
        html = client.http.get("/" if name == "index.html" else f"/pages/{name}").body.decode()
        assert html.count('href="/pages/accessibility.html"') >= 1, name
        assert html.count('class="footer-links"') == 1, name
    assert {"accessibility.html", "fields.html"} <= set(PAGES)
