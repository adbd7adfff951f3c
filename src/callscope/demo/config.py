"""What the demo contact centre is: its knobs, its queues ("families") and their parameters.

A *family* is one team of agents and the queues it serves on one channel (the hotline team takes
售前咨询, 售后服务 and 技术支持 calls; the VIP line has its own team); everything about it —
arrivals, staffing, simulation, transcripts — is generated family by family, so memory stays
bounded at any size. All randomness comes from `DemoConfig.rng(name…)`,
which derives an independent generator per concept from the one seed: same seed, same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DemoConfig",
    "Family",
    "Queue",
    "SALES",
    "SERVICE",
    "TECH",
    "VIP_LINE",
    "FAMILIES",
    "CATEGORIES",
    "COMPLEX_SHARE",
    "TALK_MEAN_S",
    "DEFAULT_END",
    "DEFAULT_MONTHS",
    "DEFAULT_ROWS",
    "DEFAULT_SEED",
    "INTERVAL_S",
    "DAY_INTERVALS",
    "OPEN_FROM",
    "OPEN_TO",
    "DAY_S",
]

# Fixed defaults so `callscope demo` is reproducible (never "today").
DEFAULT_END = "2024-09"
DEFAULT_MONTHS = 13  # so the last month can be compared with the same month a year earlier
DEFAULT_ROWS = 300_000
DEFAULT_SEED = 2024

DAY_S = 86_400
INTERVAL_S = 900  # staffing and the agents' on-duty grid work in 15-minute intervals
DAY_INTERVALS = DAY_S // INTERVAL_S
OPEN_FROM, OPEN_TO = 32, 88  # voice and chat open 08:00–22:00 (interval indices)

CATEGORIES = ("产品咨询", "订单查询", "售后投诉", "技术故障", "退换货", "账户问题", "物流配送", "营销活动")
# Share of complex contacts per category, and mean talk time (s) of a simple voice call.
COMPLEX_SHARE = np.array([0.15, 0.10, 0.60, 0.55, 0.35, 0.20, 0.15, 0.10])
TALK_MEAN_S = np.array([200.0, 150.0, 400.0, 440.0, 290.0, 230.0, 170.0, 210.0])


@dataclass(frozen=True)
class Queue:
    """What the customer chose in the IVR or chat menu."""

    name: str
    share: float  # of all interactions
    categories: tuple[float, ...]  # weight per CATEGORIES entry


@dataclass(frozen=True)
class Family:
    """One team of agents and the queues it serves on one channel (universal agents: every agent
    of the team takes every queue of the family, first come, first served)."""

    key: str
    channel: str  # voice, chat or email
    queues: tuple[Queue, ...]
    team: str  # team-name prefix: 热线 → 热线1组, 热线2组 …
    vip: bool = False  # VIP line: VIP customers only, staffed generously
    beta: float = 0.8  # square-root staffing n = a + β·√a off-peak
    beta_peak: float = 0.4  # … and at the noon and before-close peaks (deliberately too low)
    patience_s: float = 160.0  # mean patience of those who do not hang up at once
    sites: tuple[str, ...] = ("上海", "成都")  # teams alternate between the sites
    source: str = "demo-acd"

    @property
    def is_email(self) -> bool:
        return self.channel == "email"

    @property
    def queue_names(self) -> tuple[str, ...]:
        return tuple(q.name for q in self.queues)


def _w(**weights: float) -> tuple[float, ...]:
    names = {"product": 0, "order": 1, "complaint": 2, "fault": 3, "returns": 4, "account": 5, "logistics": 6, "promo": 7}
    out = [0.0] * len(CATEGORIES)
    for name, w in weights.items():
        out[names[name]] = w
    return tuple(out)


SALES, SERVICE, TECH, VIP_LINE = "售前咨询", "售后服务", "技术支持", "VIP专线"
FAMILIES: tuple[Family, ...] = (
    Family("voice", "voice", (
        Queue(SALES, 0.15, _w(product=0.45, promo=0.25, order=0.2, account=0.1)),
        Queue(SERVICE, 0.18, _w(returns=0.3, logistics=0.25, complaint=0.2, order=0.15, account=0.1)),
        Queue(TECH, 0.12, _w(fault=0.6, account=0.25, product=0.15)),
    ), "热线"),
    Family("voice_vip", "voice", (Queue(VIP_LINE, 0.05, _w(product=0.2, complaint=0.15, returns=0.2, logistics=0.15, fault=0.15, order=0.15)),),
           "VIP热线", vip=True, beta=1.6, beta_peak=1.4, patience_s=220.0, sites=("上海",)),
    Family("chat", "chat", (
        Queue(SALES, 0.16, _w(product=0.45, promo=0.3, order=0.25)),
        Queue(SERVICE, 0.17, _w(returns=0.35, logistics=0.3, complaint=0.15, order=0.2)),
    ), "在线", patience_s=300.0, source="demo-chat"),
    Family("chat_vip", "chat", (Queue(VIP_LINE, 0.05, _w(product=0.3, returns=0.25, logistics=0.2, complaint=0.15, order=0.1)),),
           "VIP在线", vip=True, beta=1.4, beta_peak=1.2, patience_s=400.0, sites=("上海",), source="demo-chat"),
    Family("email", "email", (
        Queue(SERVICE, 0.07, _w(returns=0.35, complaint=0.35, logistics=0.3)),
        Queue(TECH, 0.05, _w(fault=0.7, account=0.3)),
    ), "工单", sites=("成都",), source="demo-mail"),
)


@dataclass(frozen=True)
class DemoConfig:
    """The knobs of `callscope demo`; everything else follows from them deterministically."""

    rows: int = DEFAULT_ROWS  # interactions to generate (all channels)
    months: int = DEFAULT_MONTHS
    end: str = DEFAULT_END  # last month included, YYYY-MM
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(self.end)):
            raise ValueError(f"--end {self.end!r} is not a month; write it as YYYY-MM, e.g. 2024-09")
        if not 1 <= self.months <= 60:
            raise ValueError(f"--months {self.months} is out of range; choose 1 to 60 months")
        if self.rows < 1000:
            raise ValueError(f"--rows {self.rows} is too few for a contact centre; ask for at least 1000 interactions")
        if self.seed < 0:
            raise ValueError(f"--seed {self.seed} is negative; use a whole number ≥ 0")

    @property
    def first_day(self) -> dt.date:
        year, month = (int(x) for x in self.end.split("-"))
        index = year * 12 + (month - 1) - (self.months - 1)
        return dt.date(index // 12, index % 12 + 1, 1)

    @property
    def last_day(self) -> dt.date:
        year, month = (int(x) for x in self.end.split("-"))
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def epoch(self) -> dt.datetime:
        """Time zero of every generated time stamp (seconds are counted from here)."""
        return dt.datetime.combine(self.first_day, dt.time())

    def rng(self, *names: str) -> np.random.Generator:
        """An independent generator for one concept, e.g. rng("voice_sales", "arrivals")."""
        keys = [zlib.crc32(n.encode()) for n in names]
        return np.random.default_rng(np.random.SeedSequence([self.seed, *keys]))
