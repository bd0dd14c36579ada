"""Search results carry what the search page shows (SPEC §6.3): restricted, abnormal,
registered_elsewhere, the region and the count of published records — from the public side only."""
from __future__ import annotations

from chalicelib.domain.identifiers import make_uscc
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.integration.helpers import accepted, register, run_job


def test_search_items_carry_tags_region_and_record_count(client, login):
    register(client, login)
    run_job(client, login, "forward")
    (item,) = client.http.get("/v1/public/enterprises?q=示例食品").json_body["items"]
    assert (item["restricted"], item["abnormal"], item["registered_elsewhere"]) == (False, False, False)
    assert (item["region"], item["records"]) == ("510802", 1)

    registry, op = login("op-d21", "operator", "d21"), login("op-d12", "operator", "d12")
    accepted(client, registry, "abnormal_list", [sample_record("abnormal_list")])
    elsewhere = make_uscc("91350100MA1234567")
    accepted(client, op, "admin_penalty", [
        sample_record("admin_penalty", CF_WSH="外-1号", CF_XDR_MC="福州示例食品有限公司", CF_XDR_SHXYM=elsewhere,
                      CF_XDR_GSZC=None)])
    run_job(client, login, "forward")
    items = {i["code"]: i for i in client.http.get("/v1/public/enterprises?q=示例食品").json_body["items"]}
    local, far = items[ENTERPRISE_USCC], items[elsewhere]
    assert (local["restricted"], local["abnormal"], local["records"]) == (True, True, 2)
    assert (far["registered_elsewhere"], far["restricted"], far["region"], far["records"]) == (True, False, "350100", 1)
    # the same facts for a search by code
    (by_code,) = client.http.get(f"/v1/public/enterprises?q={ENTERPRISE_USCC}").json_body["items"]
    assert by_code == local


def test_search_by_region_keeps_the_enterprises_registered_there(client, login):
    register(client, login)
    elsewhere = make_uscc("91350100MA1234567")
    accepted(client, login("op-d12", "operator", "d12"), "admin_penalty", [
        sample_record("admin_penalty", CF_WSH="外-1号", CF_XDR_MC="福州示例食品有限公司", CF_XDR_SHXYM=elsewhere,
                      CF_XDR_GSZC=None)])
    run_job(client, login, "forward")

    def codes(region):
        resp = client.http.get(f"/v1/public/enterprises?q=示例食品&region={region}")
        assert resp.status_code == 200, resp.body
        return [i["code"] for i in resp.json_body["items"]]
    assert codes("510802") == [ENTERPRISE_USCC]
    assert codes("350100") == [elsewhere]
    assert codes("510824") == []
    assert client.http.get("/v1/public/enterprises?q=示例食品&region=利州").status_code == 400
