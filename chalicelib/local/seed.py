"""Demo data for the local stage: departments, demo accounts, enterprises, records, publication.

Only `make run` calls this (local stage); every account shares LOCAL_DEMO_PASSWORD.
"""
from __future__ import annotations

import random

from chalicelib.catalog import COUNTY_REGIONS
from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.local.demo_data import fine_in_words, sample_record
from chalicelib.models.principal import Principal

REGIONS = ["510802", "510811", "510812", "510821", "510822", "510823", "510824"]
TRADES = [("食品", "食品销售；餐饮服务"), ("建材", "建筑材料销售；建筑工程施工"), ("运输", "道路货物运输"),
          ("旅游", "旅游服务；住宿服务"), ("药业", "药品零售"), ("农业", "农作物种植；农产品销售"),
          ("化工", "危险化学品经营"), ("印刷", "包装装潢印刷品印刷")]


def demo_enterprises(n: int = 30) -> list[dict]:
    rnd = random.Random(2026)
    out = []
    for i in range(n):
        region = REGIONS[i % len(REGIONS)]
        trade, scope = TRADES[i % len(TRADES)]
        uscc = make_uscc(f"91{region}MA6{i:03d}{rnd.choice('ABCDEFGH')}{rnd.randint(0, 9)}X"[:17])
        county = COUNTY_REGIONS[region]           # the address and the authority match the code
        out.append(sample_record(
            "registration", name=f"广元市示例{trade}有限公司{i + 1:02d}", uscc=uscc,
            regno=make_regno(f"{region}{i:08d}"), business_scope=scope, approval_date="2026-09-01",
            address=f"四川省广元市{county}示例路{i + 1}号", registration_authority=f"广元市{county}市场监督管理局"))
    return out


def demo_penalties(enterprises: list[dict]) -> list[dict]:
    """市环保局's penalties: every fourth a 警告 alone (collected, not published), the others a fine
    whose 处罚内容 states the same amount as 罚款金额."""
    out = []
    for i, e in enumerate(enterprises):
        party = {"CF_XDR_MC": e["name"], "CF_XDR_SHXYM": e["uscc"], "CF_XDR_GSZC": e["regno"],
                 "CF_WSH": f"广环罚〔2026〕{100 + i}号"}
        if i % 4:
            wan = 1 + i % 6
            out.append(sample_record("admin_penalty", **party, CF_CFLB="罚款", CF_NR_FK=str(wan),
                                     CF_NR=f"罚款人民币{fine_in_words(wan)}"))
        else:
            out.append(sample_record("admin_penalty", **party, CF_CFLB="警告", CF_NR="警告", CF_NR_FK=None))
    return out


def demo_licences(enterprises: list[dict]) -> list[dict]:
    return [sample_record("admin_license", XK_XDR_MC=e["name"], XK_XDR_SHXYM=e["uscc"],
                          XK_WSH=f"广食药许〔2026〕{200 + i}号") for i, e in enumerate(enterprises)]


# 目录事项 (SPEC §5.3): (department, 事项名称, category, 设定依据, 责任科室, approved?)
DEMO_ITEMS = [
    ("d12", "环境违法行为行政处罚", "admin_penalty", "《中华人民共和国环境保护法》第五十九条；《中华人民共和国大气污染防治法》第九十九条",
     "政策法规科", True),
    ("d12", "排污许可证核发", "admin_license", "《排污许可管理条例》第三条", "环评科", True),
    ("d12", "重点排污单位监督检查", "inspection", "《中华人民共和国环境保护法》第二十四条", "环境监察支队", True),
    ("d23", "食品经营许可", "admin_license", "《中华人民共和国食品安全法》第三十五条", "食品流通监管科", True),
    ("d23", "食品安全违法行为行政处罚", "admin_penalty", "《中华人民共和国食品安全法》第一百二十二条至第一百二十六条",
     "稽查支队", True),
    ("d23", "药品经营企业监督检查", "inspection", "《中华人民共和国药品管理法》第九十九条", "药品市场监管科", False),
]


def demo_catalog_items(container) -> None:
    """A few approved 目录事项 of d12 and d23, and one waiting in 市工商局's review queue."""
    reviewer = Principal(username="op-d21", role="operator", department="d21")
    for dept, name, category, basis, office, approve in DEMO_ITEMS:
        op = Principal(username=f"op-{dept}", role="operator", department=dept)
        it = container.catalog_items.create(op, {"name": name, "category": category, "legal_basis": basis,
                                                 "office": office})
        container.catalog_items.submit(op, it["item_code"], {})
        if approve:
            container.catalog_items.approve(reviewer, it["item_code"], {})


def seed(container) -> str:
    """Load the demo data; returns a one-line summary of the demo accounts."""
    catalog, settings = container.catalog, container.settings
    container.departments.departments.put_many(list(catalog.departments.values()))
    password = settings.demo_password
    container.auth.ensure_user("admin", "admin", None, password)
    container.auth.ensure_user("supervisor", "supervisor", None, password)
    for dept in catalog.departments:
        container.auth.ensure_user(f"op-{dept}", "operator", dept, password)
        container.auth.ensure_user(f"sys-{dept}", "system", dept, password)

    registry = Principal(username="op-d21", role="operator", department="d21")
    enterprises = demo_enterprises()
    container.submissions.submit(registry, "d21", "registration", enterprises)
    penalties, licences = demo_penalties(enterprises[:12]), demo_licences(enterprises[:12])
    container.submissions.submit(Principal(username="op-d12", role="operator", department="d12"),
                                 "d12", "admin_penalty", penalties)
    container.submissions.submit(Principal(username="op-d23", role="operator", department="d23"),
                                 "d23", "admin_license", licences)
    container.submissions.submit(registry, "d21", "abnormal_list", [sample_record(
        "abnormal_list", name=enterprises[3]["name"], uscc=enterprises[3]["uscc"], regno=enterprises[3]["regno"])])
    demo_catalog_items(container)
    container.jobs.run("forward")
    container.jobs.run("open_data")
    return "admin, supervisor, op-d01…op-d43 (operator), sys-d01…sys-d43 (system)"
