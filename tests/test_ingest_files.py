"""Generic files, each written here with rows whose canonical values are worked out by hand:
a GBK-encoded CSV with Chinese headers and values read through a mapping profile, a UTF-8 CSV
with a byte-order mark, TSV, Excel (.xlsx), Parquet and JSON lines.

The store's reporting zone is Asia/Shanghai (UTC+8). Runs on DuckDB and on a real PostgreSQL server.
"""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from callscope.ingest import ingest_file
from platform_import import assert_balanced, at, messages, quarantined, rows

# ---------------------------------------------------------------------------------------------
# GBK CSV through a mapping profile

GBK_ROWS = [
    "流水号,渠道,问题类型,客户级别,来电时间,排队时间,接听时间,挂机时间,结果,是否解决,满意度(分)",  # line 1
    "L001,电话,售后投诉,VIP客户,2024年05月06日 10:00:00,2024年05月06日 10:00:30,2024年05月06日 10:01:15,2024年05月06日 10:06:15,接通,是,5",
    "L002,在线,产品咨询,普通客户,2024年05月06日 10:20:00,2024年05月06日 10:20:00,,,放弃,否,",
    "L003,电话,技术故障,普通客户,2024年02月30日 11:00:00,,,,接通,,",  # 30 February
    "L004,电话,产品咨询,VIP客户,2024年05月06日 23:30:00,2024年05月06日 23:30:10,2024年05月06日 23:31:00,2024年05月06日 23:40:00,接通,否,4",
]
PROFILE = {
    "name": "old_crm",
    "source": "old-crm",
    "format": "csv",
    "encoding": "gbk",
    "timezone": "Asia/Tokyo",  # UTC+9, one hour ahead of the store's Asia/Shanghai
    "timestamp_formats": ["%Y年%m月%d日 %H:%M:%S"],
    "columns": {
        "interaction_id": "流水号",
        "channel": {"column": "渠道", "map": {"电话": "voice", "在线": "chat"}},
        "category": "问题类型",
        "customer_tier": {"column": "客户级别", "map": {"VIP客户": "VIP", "普通客户": "normal"}},
        "arrived_at": "来电时间",
        "queued_at": "排队时间",
        "answered_at": "接听时间",
        "ended_at": "挂机时间",
        "outcome": {"column": "结果", "map": {"接通": "answered", "放弃": "abandoned"}},
        "resolved": {"column": "是否解决", "map": {"是": True, "否": False}},
        "csat": "满意度(分)",
        "wait_s": {"expr": "answered_at - queued_at"},
    },
}


def test_gbk_csv_through_a_mapping_profile(store, tmp_path):
    path = tmp_path / "旧系统导出.csv"
    path.write_bytes(("\r\n".join(GBK_ROWS) + "\r\n").encode("gbk"))
    profile = tmp_path / "old_crm.yaml"
    profile.write_text(yaml.safe_dump(PROFILE, allow_unicode=True), encoding="utf-8")
    run = ingest_file(store, path, str(profile), lang="en")
    columns = ["interaction_id", "source", "channel", "category", "customer_tier", "arrived_at", "queued_at", "answered_at",
               "ended_at", "wait_s", "talk_s", "outcome", "resolved", "csat"]  # fmt: skip
    assert rows(store, "interactions", columns, ["interaction_id"]) == [
        # Tokyo 10:00 = Shanghai 09:00; wait 45 s = answered − queued (derived); talk 300 s = ended − answered
        ("L001", "old-crm", "voice", "售后投诉", "VIP", at("2024-05-06 09:00:00"), at("2024-05-06 09:00:30"),
         at("2024-05-06 09:01:15"), at("2024-05-06 09:06:15"), 45.0, 300.0, "answered", True, 5.0),
        # not answered: the derived wait is empty (answered_at − queued_at of a missing time)
        ("L002", "old-crm", "chat", "产品咨询", "normal", at("2024-05-06 09:20:00"), at("2024-05-06 09:20:00"),
         None, None, None, None, "abandoned", False, None),
        # Tokyo 23:30 = Shanghai 22:30 the same day; wait 50 s, talk 540 s
        ("L004", "old-crm", "voice", "产品咨询", "VIP", at("2024-05-06 22:30:00"), at("2024-05-06 22:30:10"),
         at("2024-05-06 22:31:00"), at("2024-05-06 22:40:00"), 50.0, 540.0, "answered", False, 4.0),
    ]  # fmt: skip
    assert quarantined(store, run.run_id) == [(4, "interactions", "NOT_A_TIMESTAMP", "来电时间", "2024年02月30日 11:00:00")]
    assert messages(store, run.run_id)[4] == "line 4, column 来电时间: '2024年02月30日 11:00:00' is not a valid timestamp (expected %Y年%m月%d日 %H:%M:%S)"
    assert_balanced(run, read=4, loaded=3, quarantined=1)


# ---------------------------------------------------------------------------------------------
# Canonical headers in other files: the same three contacts each time

CANONICAL = ["interaction_id", "channel", "category", "arrived_at", "answered_at", "ended_at", "outcome", "csat", "resolved"]
RECORDS = [
    ["B1", "voice", "账单查询", "2024-05-06 09:00:00", "2024-05-06 09:00:40", "2024-05-06 09:04:40", "answered", "4", "true"],
    ["B2", "chat", "产品咨询", "2024-05-06 09:30:00", "", "", "abandoned", "", ""],
    ["B3", "email", "售后投诉", "2024-05-06 10:00:00", "2024-05-06 12:30:00", "", "answered", "2", "false"],
]
EXPECTED_COLUMNS = ["interaction_id", "channel", "category", "arrived_at", "answered_at", "ended_at", "wait_s", "talk_s", "outcome", "csat", "resolved", "_line"]


def expected(lines: list[int]) -> list[tuple]:
    """The three contacts as stored; `lines` are the source lines (or row numbers) of B1–B3."""
    return [
        # wait 40 s = answered − arrived (not queued: the wait runs from arrival); talk 240 s
        ("B1", "voice", "账单查询", at("2024-05-06 09:00:00"), at("2024-05-06 09:00:40"), at("2024-05-06 09:04:40"), 40.0, 240.0, "answered", 4.0, True, lines[0]),
        ("B2", "chat", "产品咨询", at("2024-05-06 09:30:00"), None, None, None, None, "abandoned", None, None, lines[1]),
        # an e-mail answered 2.5 h later: wait 9000 s
        ("B3", "email", "售后投诉", at("2024-05-06 10:00:00"), at("2024-05-06 12:30:00"), None, 9000.0, None, "answered", 2.0, False, lines[2]),
    ]  # fmt: skip


def loaded(store) -> list[tuple]:
    return rows(store, "interactions", EXPECTED_COLUMNS, ["interaction_id"])


def test_utf8_csv_with_a_byte_order_mark(store, tmp_path):
    path = tmp_path / "bom.csv"
    text = "\n".join(",".join(r) for r in [CANONICAL, *RECORDS]) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    run = ingest_file(store, path)  # no profile: the headers (the first one behind the BOM) are canonical
    assert loaded(store) == expected([2, 3, 4])
    assert_balanced(run, read=3, loaded=3, quarantined=0)


def test_tsv_with_a_quoted_value_over_two_lines(store, tmp_path):
    path = tmp_path / "contacts.tsv"
    records = [list(r) for r in RECORDS]
    records[0][2] = '"账单\n查询"'  # a quoted category spanning lines 2–3: B2 starts on line 4
    path.write_text("\n".join("\t".join(r) for r in [CANONICAL, *records]) + "\n", encoding="utf-8")
    run = ingest_file(store, path)
    got = loaded(store)
    assert got[0][2] == "账单\n查询"
    assert [g[:2] + g[3:] for g in got] == [e[:2] + e[3:] for e in expected([2, 4, 5])]
    assert_balanced(run, read=3, loaded=3, quarantined=0)


def test_csv_record_longer_than_a_parse_block(store, tmp_path, monkeypatch):
    from callscope.ingest.formats import csvfile

    # Arrow parses 8 MB blocks; with 400-byte blocks B2's 601-character category outgrows one.
    monkeypatch.setattr(csvfile, "_BLOCK_BYTES", 400)
    path = tmp_path / "long.csv"
    records = [list(r) for r in RECORDS]
    long = "x" * 300 + "\n" + "y" * 300
    records[1][2] = f'"{long}"'  # B2 on lines 3–4: B3 starts on line 5
    path.write_text("\n".join(",".join(r) for r in [CANONICAL, *records]) + "\n", encoding="utf-8")
    run = ingest_file(store, path, batch_rows=1)  # B1 from Arrow's parser, B2 and B3 from the exact reader
    got = loaded(store)
    assert got[1][2] == long
    assert [g[:2] + g[3:] for g in got] == [e[:2] + e[3:] for e in expected([2, 3, 5])]
    assert_balanced(run, read=3, loaded=3, quarantined=0)


def test_excel_workbook(store, tmp_path):
    import openpyxl

    path = tmp_path / "contacts.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CANONICAL)
    for r in RECORDS:
        # real Excel cells: date-times, numbers and booleans, not text
        cells = [dt.datetime.fromisoformat(v) if i in (3, 4, 5) and v else v for i, v in enumerate(r)]
        cells[7] = int(cells[7]) if cells[7] else None
        cells[8] = {"true": True, "false": False}.get(cells[8])
        sheet.append([c if c != "" else None for c in cells])
        if r[0] == "B1":
            sheet.append([None] * len(CANONICAL))  # an empty sheet row (row 3) is not a record
    book.save(path)
    run = ingest_file(store, path)
    assert loaded(store) == expected([2, 4, 5])  # sheet row numbers
    assert_balanced(run, read=3, loaded=3, quarantined=0)


def test_parquet_with_typed_columns(store, tmp_path):
    path = tmp_path / "contacts.parquet"

    def utc(values):  # the Shanghai wall-clock times above, as UTC instants (8 hours earlier)
        return pa.array([dt.datetime.fromisoformat(v) - dt.timedelta(hours=8) if v else None for v in values], pa.timestamp("us", tz="UTC"))

    columns = list(zip(*RECORDS))
    table = pa.table(
        {
            "interaction_id": columns[0],
            "channel": columns[1],
            "category": columns[2],
            "arrived_at": utc(columns[3]),
            "answered_at": utc(columns[4]),
            "ended_at": utc(columns[5]),
            "outcome": pa.array(columns[6]).dictionary_encode(),
            "csat": pa.array([float(v) if v else None for v in columns[7]]),
            "resolved": pa.array([{"true": True, "false": False}.get(v) for v in columns[8]]),
        }
    )
    pq.write_table(table, path)
    run = ingest_file(store, path)
    assert loaded(store) == expected([1, 2, 3])  # a Parquet record's "line" is its row number
    assert_balanced(run, read=3, loaded=3, quarantined=0)


def test_json_lines_with_a_broken_line(store, tmp_path):
    path = tmp_path / "contacts.jsonl"
    lines = []
    for r in RECORDS:
        record = {k: v for k, v in zip(CANONICAL, r) if v != ""}  # missing keys are empty values
        if "csat" in record:
            record["csat"] = int(record["csat"])
        if "resolved" in record:
            record["resolved"] = record["resolved"] == "true"
        lines.append(json.dumps(record, ensure_ascii=False))
    lines.insert(2, '{"interaction_id": "B9", "channel": ')  # line 3: cut off
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = ingest_file(store, path, lang="en")
    assert loaded(store) == expected([1, 2, 4])
    assert quarantined(store, run.run_id) == [(3, "interactions", "BAD_JSON", "", '{"interaction_id": "B9", "channel": ')]
    assert messages(store, run.run_id)[3].startswith("line 3: not valid JSON (")
    assert_balanced(run, read=4, loaded=3, quarantined=1)
