"""Synthetic graphs of realistic shape, for benchmarks and scale tests.

``supplychain synth --companies N --seed S -o PATH`` writes a valid graph (it passes the
same validation as ``data/graph.yaml``) with about ``N/50`` sectors, ``N/200`` drivers
in driver→driver chains, ``N/100`` ETFs holding 30–100 names each, every company a
member of 1–3 sectors (with a stance) and supplying 0–5 others, risks threatening
drivers and sectors, and ``N/100`` reports whose dates spread over three years; every
edge carries at least one claim with a quote. The same ``N`` and seed give the same bytes.

Models are built with ``model_construct`` (no validation: the shape is right by
construction), so 100k companies take seconds to build; writing goes through
:func:`supplychain.store.dump_graph`, so the file is canonical.

Examples
--------
>>> data = synth_data(200, seed=1)
>>> sum(n.type == "company" for n in data.nodes)
200
>>> from supplychain.store import dump_graph, parse_graph_text
>>> len(parse_graph_text(dump_graph(data), "synth.yaml").edges) == len(data.edges)
True

Module level imports the standard library only: the CLI registers this command without
loading pydantic.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

_PLACES = "华中北南东西京沪深粤苏浙闽皖鲁豫川渝湘鄂赣桂云贵陕甘晋冀辽吉黑津琼蒙宁青藏新"
_CORES = "光芯联创达通讯讯数智算云电能源科盛海天宇鼎晟瑞锐恒泰宏腾飞信安泽润星辰博睿航"
_SUFFIXES = ("科技", "电子", "光电", "通信", "信息", "数据", "智能", "股份", "半导体", "网络", "精密", "新材", "电气", "微电子")
_EN_CORES = (
    "Sino", "Hua", "Zhong", "Xin", "Tian", "Rui", "Heng", "Tai", "Hong", "Teng", "Xing", "Chen", "Bo", "Hang",
    "Guang", "Lian", "Chuang", "Da", "Tong", "Zhi", "Yun", "Neng", "Sheng", "Hai", "Yu", "Ding", "An", "Ze",
)
_EN_SUFFIXES = (
    "Technology", "Electronics", "Photonics", "Communications", "Information", "Data", "Intelligence",
    "Holdings", "Semiconductor", "Networks", "Precision", "Materials", "Electric", "Microelectronics",
)
_SECTOR_TOPICS = (
    ("光模块", "optical modules"), ("交换机", "switches"), ("AI服务器", "AI servers"), ("液冷", "liquid cooling"),
    ("HVDC电源", "HVDC power"), ("算力租赁", "compute leasing"), ("IDC运营", "IDC operations"), ("AI芯片", "AI chips"),
    ("PCB", "PCBs"), ("铜连接", "copper interconnect"), ("存储", "memory"), ("光芯片", "optical chips"),
    ("先进封装", "advanced packaging"), ("边缘计算", "edge computing"), ("储能", "energy storage"), ("配电", "power distribution"),
)
_DRIVER_TOPICS = (
    ("资本开支", "capex"), ("云营收", "cloud revenue"), ("AI需求", "AI demand"), ("数据中心扩张", "data-centre expansion"),
    ("大模型训练", "model training"), ("推理需求", "inference demand"), ("国产替代", "domestic substitution"),
    ("出海", "overseas expansion"),
)
_BUYERS = ("阿里", "腾讯", "字节", "百度", "华为", "京东", "美团", "快手", "运营商", "微软", "谷歌", "亚马逊", "Meta", "甲骨文")
_RISKS = (
    ("需求不及预期", "demand shortfall"), ("竞争加剧", "rising competition"), ("出口管制", "export controls"),
    ("供给瓶颈", "supply bottleneck"), ("价格战", "price war"), ("上架率波动", "rack utilisation swings"),
)
_STANCES = ("recommended", "beneficiary", "listed")
_STANCE_CN = {"recommended": "推荐", "beneficiary": "受益", "listed": "提及"}
_FIRST_DAY = dt.date(2023, 1, 2)
_SPAN_DAYS = 3 * 365


def _count(n: int, per: int, least: int) -> int:
    return max(least, round(n / per))


def synth_data(companies: int, seed: int = 0):
    """A :class:`~supplychain.schema.GraphData` of ``companies`` companies (see the module docs).

    Built with ``model_construct``: no validation runs here, but the result validates.
    """
    from .schema import (
        Claim,
        CompanyNode,
        DriverNode,
        Edge,
        EtfNode,
        Evidence,
        GraphData,
        Listing,
        Metric,
        ReportNode,
        RiskNode,
        SectorNode,
    )

    if companies < 1:
        raise ValueError(f"companies must be at least 1 (got {companies})")
    rng = random.Random(seed)
    n_sectors = _count(companies, 50, 2)
    n_drivers = _count(companies, 200, 2)
    n_etfs = _count(companies, 100, 1)
    n_reports = _count(companies, 100, 2)
    n_risks = _count(companies, 500, 2)
    used: set[str] = set()  # normalised names, aliases and tickers: each must name one node

    def unique(text: str, tag: str) -> str:
        key = text.casefold().replace(" ", "")
        if key in used:
            text = f"{text}{tag}"
            key = text.casefold().replace(" ", "")
        used.add(key)
        return text

    # reports: dates spread over three years, one report every few days
    reports = []
    for k in range(n_reports):
        day = _FIRST_DAY + dt.timedelta(days=(k * _SPAN_DAYS) // n_reports + rng.randrange(3))
        rid = f"report-{k + 1:05d}"
        reports.append(
            ReportNode.model_construct(
                id=rid, type="report", name=unique(f"synthetic_note_{day.isoformat()}_{k + 1}", ""),
                title=f"合成研究纪要第{k + 1}期：{rng.choice(_DRIVER_TOPICS)[0]}跟踪", date=day,
                file=f"reports/{rid}.md",
            )
        )

    def claims(text: str, stance: bool, k: int | None = None) -> list:
        """1–3 claims from distinct reports, dated by their report, stance strengthening over time."""
        picks = sorted(rng.sample(range(n_reports), k or min(n_reports, rng.choice((1, 1, 2, 2, 3)))))
        out = []
        for j, p in enumerate(picks):
            r = reports[p]
            st = rng.choices(_STANCES, (2, 3, 5))[0] if stance else None
            if stance and j:  # later notes tend to upgrade a name
                st = _STANCES[max(0, _STANCES.index(out[-1].stance) - rng.randrange(2))]
            quote = f"{text}（{_STANCE_CN[st]}）。" if st else f"{text}。"
            out.append(Claim.model_construct(report=r.id, date=r.date, quote=quote, stance=st))
        return out

    # drivers in chains of 1–4: each drives the next, the last ones drive sectors
    drivers = []
    for k in range(n_drivers):
        topic, topic_en = _DRIVER_TOPICS[k % len(_DRIVER_TOPICS)]
        buyer = _BUYERS[(k // len(_DRIVER_TOPICS)) % len(_BUYERS)]
        gen = k // (len(_DRIVER_TOPICS) * len(_BUYERS))
        suffix = f"{gen + 1}期" if gen else ""
        name = unique(f"{buyer}{topic}{suffix}", str(k))
        r = reports[rng.randrange(n_reports)]
        metric = Metric.model_construct(
            name=topic, value=round(rng.uniform(10, 900), 2), unit="亿元", period=f"FY{r.date.year}Q{(r.date.month - 1) // 3 + 1}",
            yoy=round(rng.uniform(-20, 120), 2), qualifier="=",
            source=Evidence.model_construct(report=r.id, date=r.date, quote=f"{name}同比增长，显示强劲投入力度。"),
        )
        drivers.append(
            DriverNode.model_construct(
                id=f"driver-{k + 1:04d}", type="driver", name=name, name_en=unique(f"{buyer} {topic_en} {k + 1}", ""),
                aliases=[], description=f"Synthetic driver {k + 1}.", metrics=[metric],
            )
        )
    sectors = []
    for k in range(n_sectors):
        topic, topic_en = _SECTOR_TOPICS[k % len(_SECTOR_TOPICS)]
        sectors.append(
            SectorNode.model_construct(
                id=f"sector-{k + 1:04d}", type="sector", name=unique(f"{topic}{k + 1}", ""),
                name_en=unique(f"{topic_en} {k + 1}", ""), aliases=[unique(f"{topic}板块{k + 1}", "")],
            )
        )

    # companies: unique names and six-digit tickers; some also listed in Hong Kong
    # six-digit codes outside 5xxxxx, which the ETFs use
    codes = [c if c < 500_000 else c + 100_000 for c in rng.sample(range(1, 900_000), companies)]
    hk_codes = iter(rng.sample(range(1, 10_000), min(9_999, companies // 20 + 1)))
    nodes_c = []
    for k in range(companies):
        zh = unique(rng.choice(_PLACES) + rng.choice(_CORES) + rng.choice(_CORES) + rng.choice(_SUFFIXES), f"{k + 1}")
        en = unique(f"{rng.choice(_EN_CORES)}{rng.choice(_EN_CORES).lower()} {rng.choice(_EN_SUFFIXES)}", f" {k + 1}")
        code = f"{codes[k]:06d}"
        exchange = {"6": ("SH", "SSE Main Board"), "3": ("SZ", "SZSE ChiNext"), "8": ("BJ", "BSE"), "4": ("BJ", "BSE")}.get(
            code[0], ("SZ", "SZSE Main Board")
        )
        listings = []
        if k % 20 == 7:
            hk = next(hk_codes, None)
            if hk is not None:
                listings.append(Listing.model_construct(ticker=f"{hk:04d}.HK", exchange="HKEX Main Board", note="H shares"))
        nodes_c.append(
            CompanyNode.model_construct(
                id=f"co-{k + 1:06d}", type="company", name=zh, name_en=en, aliases=[unique(f"{en} Co., Ltd.", "")],
                ticker=f"{code}.{exchange[0]}", exchange=exchange[1], listings=listings,
            )
        )
    etfs = [
        EtfNode.model_construct(
            id=f"etf-{k + 1:04d}", type="etf", name=unique(f"合成主题{k + 1}ETF", ""), name_en=f"Synthetic Theme ETF {k + 1}",
            aliases=[], ticker=f"{510000 + k}.SH", exchange="SSE", tracks_index=f"Synthetic Theme Index {k + 1}",
        )
        for k in range(n_etfs)
    ]
    risks = [
        RiskNode.model_construct(
            id=f"risk-{k + 1:04d}", type="risk", name=unique(f"{_RISKS[k % len(_RISKS)][0]}风险{k + 1}", ""),
            name_en=f"{_RISKS[k % len(_RISKS)][1]} risk {k + 1}", aliases=[],
        )
        for k in range(n_risks)
    ]

    edges = []

    def edge(type_: str, source, target, text: str, stance: bool = False) -> None:
        edges.append(Edge.model_construct(type=type_, source=source.id, target=target.id, claims=claims(text, stance)))

    # driver chains; each chain's drivers drive 2–6 sectors
    k = 0
    while k < n_drivers:
        length = min(rng.randint(1, 4), n_drivers - k)
        chain = drivers[k : k + length]
        for a, b in zip(chain, chain[1:]):
            edge("drives", a, b, f"{a.name}带动{b.name}")
        for d in chain:
            for s in rng.sample(sectors, min(len(sectors), rng.randint(2, 6))):
                edge("drives", d, s, f"{d.name}直接利好{s.name}")
        k += length

    # companies: 1–3 sectors, 0–5 customers; now and then a competitor or an operated driver
    for i, c in enumerate(nodes_c):
        for s in rng.sample(sectors, min(len(sectors), rng.choice((1, 1, 2, 2, 2, 3)))):
            edge("member_of", c, s, f"{s.name}环节{c.name}", stance=True)
        if companies > 1:
            customers = {rng.randrange(companies) for _ in range(rng.randint(0, 5))} - {i}
            for j in sorted(customers):
                edge("supplies", c, nodes_c[j], f"{c.name}向{nodes_c[j].name}供货")
            if rng.random() < 0.05:
                j = rng.randrange(companies)
                if j != i:
                    a, b = (c, nodes_c[j]) if c.id < nodes_c[j].id else (nodes_c[j], c)
                    edge("competes", a, b, f"{a.name}与{b.name}同台竞争")
        if rng.random() < 0.01:
            d = rng.choice(drivers)
            edge("operates", c, d, f"{c.name}投入{d.name}")

    # ETFs: hold 30–100 names, track a sector, are exposed to a driver
    for e in etfs:
        for c in sorted(rng.sample(nodes_c, min(companies, rng.randint(30, 100))), key=lambda c: c.id):
            edge("holds", e, c, f"{e.name}持有{c.name}")
        edge("tracks", e, rng.choice(sectors), f"{e.name}跟踪{e.tracks_index}")
        edge("exposed_to", e, rng.choice(drivers), f"{e.name}中相关权重股有望受益", stance=True)

    # risks threaten 1–3 drivers or sectors
    for r in risks:
        for t in rng.sample(drivers + sectors, min(len(drivers) + len(sectors), rng.randint(1, 3))):
            edge("threatens", r, t, f"{r.name}：可能影响{t.name}")

    # competes edges may repeat a pair; keep the first of each key
    seen: set[tuple[str, str, str]] = set()
    unique_edges = []
    for e in edges:
        key = (e.type, e.source, e.target)
        if key not in seen:
            seen.add(key)
            unique_edges.append(e)
    nodes = [*drivers, *sectors, *nodes_c, *etfs, *risks, *reports]
    return GraphData.model_construct(version=1, nodes=nodes, edges=unique_edges)


def write_synth(companies: int, seed: int, path: Path | str) -> str:
    """Generate a graph and write it canonically (atomically) to ``path``; returns a summary."""
    from .store import atomic_write, dump_graph

    start = time.perf_counter()
    data = synth_data(companies, seed)
    text = dump_graph(data)
    atomic_write(path, text)
    claims = sum(len(e.claims) for e in data.edges)
    took = time.perf_counter() - start
    return (
        f"{path}: {len(data.nodes)} nodes, {len(data.edges)} edges, {claims} claims, "
        f"{len(text.encode()) / 1e6:.1f} MB ({companies} companies, seed {seed}, {took:.1f} s)"
    )


def register(sub, add) -> None:
    """Add ``supplychain synth`` to the CLI."""
    p = add("synth", cmd_synth, "write a synthetic graph of realistic shape (for benchmarks)", formats=False)
    p.add_argument("--companies", "-n", type=int, default=1000, metavar="N", help="number of companies (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same file (default 0)")
    p.add_argument("-o", "--output", metavar="PATH", required=True, help="file to write")


def cmd_synth(args) -> int:
    from .errors import SupplyChainError

    if args.companies < 1:
        raise SupplyChainError(f"--companies must be at least 1 (got {args.companies})")
    print(write_synth(args.companies, args.seed, args.output))
    return 0
