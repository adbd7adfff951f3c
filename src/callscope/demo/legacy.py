"""A small export from the old CRM: Chinese headers, GB18030, 是/否 and VIP客户 — and a few bad rows.

It shows what importing someone else's file looks like: a mapping profile (written beside the
file) renames the columns and maps the values, and the rows that cannot be right are quarantined
with a reason while the good ones load. The bad rows, one of each kind:
an impossible date (NOT_A_TIMESTAMP), a negative wait (NEGATIVE_DURATION), an answer before the
call came in (ANSWERED_BEFORE_ARRIVAL), an exact repeat of a row (skipped as a duplicate) and a
row that repeats an id with different content (CONFLICT).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import yaml

from callscope.demo.config import DemoConfig
from callscope.demo.writer import DemoWriter
from callscope.ingest.profile import ColumnSpec, Profile

__all__ = ["LEGACY_FILE", "LEGACY_PROFILE", "GOOD_ROWS", "EXPECTED_PROBLEMS", "PROFILE", "legacy_profile", "write_legacy"]

LEGACY_FILE = "legacy_export.csv"
LEGACY_PROFILE = "legacy_export.profile.yaml"
GOOD_ROWS = 36
EXPECTED_PROBLEMS = {"NOT_A_TIMESTAMP": 1, "NEGATIVE_DURATION": 1, "ANSWERED_BEFORE_ARRIVAL": 1, "CONFLICT": 1}
_FORMAT = "%Y/%m/%d %H:%M:%S"
_HEADERS = ("流水号", "渠道", "技能组", "客户号", "客户级别", "工号", "来电时间", "接听时间", "挂机时间", "放弃时间",
            "排队时长(秒)", "结果", "是否解决", "是否投诉", "满意度")

# The mapping profile, as data: written beside the export as YAML, and used for its import.
PROFILE = {
    "name": "legacy_crm",
    "description": {"en": "Call log exported from the old CRM (Chinese headers, GB18030)", "zh": "旧版CRM导出的通话记录(中文表头,GB18030编码)"},
    "table": "interactions",
    "source": "legacy-crm",
    "format": "csv",
    "encoding": "gb18030",
    "timestamp_formats": [_FORMAT],
    "columns": {
        "interaction_id": "流水号",
        "channel": {"column": "渠道", "map": {"电话": "voice", "在线": "chat", "邮件": "email"}},
        "queue": "技能组",
        "customer_id": "客户号",
        "customer_tier": {"column": "客户级别", "map": {"VIP客户": "VIP", "普通客户": "normal"}},
        "agent_id": "工号",
        "arrived_at": "来电时间",
        "answered_at": "接听时间",
        "ended_at": "挂机时间",
        "abandoned_at": "放弃时间",
        "wait_s": "排队时长(秒)",
        "outcome": {"column": "结果", "map": {"接通": "answered", "放弃": "abandoned"}},
        "resolved": "是否解决",
        "complaint": "是否投诉",
        "csat": "满意度",
    },
}


def legacy_profile() -> Profile:
    """PROFILE as the importer's Profile (what `load_profile` makes of the YAML file)."""
    columns = {}
    for name, spec in PROFILE["columns"].items():
        spec = {"column": spec} if isinstance(spec, str) else spec
        columns[name] = ColumnSpec(name, column=spec["column"], map=spec.get("map"))
    keys = ("name", "table", "source", "format", "description", "encoding")
    return Profile(**{k: PROFILE[k] for k in keys}, timestamp_formats=tuple(PROFILE["timestamp_formats"]), columns=columns)


def write_legacy(cfg: DemoConfig, writer: DemoWriter, agent_ids: list[str]) -> Path:
    """Write the export and its profile; returns the profile's path."""
    rng = cfg.rng("legacy")
    rows = [_good_row(cfg, rng, i, agent_ids) for i in range(GOOD_ROWS)]
    answered = [r for r in rows if r["接听时间"]]
    bad_date, negative, early = dict(rows[3]), dict(rows[9]), dict(answered[-1])
    bad_date.update(流水号="L900001", 来电时间=f"{cfg.first_day.year}/02/30 10:15:00")
    negative.update(流水号="L900002", **{"排队时长(秒)": "-12"})
    arrived = dt.datetime.strptime(early["来电时间"], _FORMAT)
    early.update(流水号="L900003", 接听时间=(arrived - dt.timedelta(minutes=5)).strftime(_FORMAT))
    conflict = dict(rows[20], 满意度="1" if rows[20]["满意度"] != "1" else "5")
    rows[12:12] = [bad_date]
    rows[24:24] = [negative, dict(rows[5])]  # the second one repeats row 5 exactly
    rows += [early, conflict]
    columns = {h: pa.array([r[h] for r in rows], pa.string()) for h in _HEADERS}
    writer.csv(LEGACY_FILE, columns, canonical=False, encoding="gb18030")
    profile = writer.out_dir / LEGACY_PROFILE
    header = "# Mapping profile for the old CRM's call export (written by `callscope demo`).\n"
    profile.write_text(header + yaml.safe_dump(PROFILE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return profile


def _good_row(cfg: DemoConfig, rng: np.random.Generator, i: int, agent_ids: list[str]) -> dict[str, str]:
    day = cfg.first_day + dt.timedelta(days=int(rng.integers(0, min(28, cfg.days))))
    arrived = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(seconds=int(rng.integers(0, 11 * 3600)))
    wait = int(rng.exponential(40))
    answered = rng.random() < 0.85
    vip = rng.random() < 0.1
    row = {
        "流水号": f"L{day:%Y%m%d}{i + 1:03d}",
        "渠道": "电话",
        "技能组": "VIP专线" if vip else ("售前咨询", "售后服务", "技术支持")[i % 3],
        "客户号": f"U{int(rng.integers(1, 10**7)):08d}",
        "客户级别": "VIP客户" if vip else "普通客户",
        "工号": agent_ids[i % len(agent_ids)] if answered else "",
        "来电时间": arrived.strftime(_FORMAT),
        "接听时间": "",
        "挂机时间": "",
        "放弃时间": "",
        "排队时长(秒)": str(wait),
        "结果": "接通" if answered else "放弃",
        "是否解决": "",
        "是否投诉": "",
        "满意度": "",
    }
    if answered:
        start = arrived + dt.timedelta(seconds=wait)
        row.update(接听时间=start.strftime(_FORMAT), 挂机时间=(start + dt.timedelta(seconds=int(60 + rng.exponential(240)))).strftime(_FORMAT))
        row.update(是否解决="是" if rng.random() < 0.8 else "否", 是否投诉="是" if rng.random() < 0.05 else "否")
        row.update(满意度=str(int(rng.integers(3, 6))) if rng.random() < 0.5 else "")
    else:
        row.update(放弃时间=(arrived + dt.timedelta(seconds=wait)).strftime(_FORMAT))
    return row

