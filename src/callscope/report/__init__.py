"""Reports: a report is data first (`Report`: sections of tables, charts and text, computed from
the store by the KPI engine), then rendered to HTML, PDF and XLSX in zh or en.

    from callscope.report import write_report
    paths = write_report(store, "month_end", "2024-09", formats=("html", "xlsx", "pdf"), out_dir="reports", lang="zh")

Kinds (`REPORTS`): month_end (月底汇报, seed 000), service_quality (服务质量评估, seed 002),
response_speed (响应速度优化评估, seed 003), scorecard (平衡记分卡, seed 004).
"""

from callscope.report.model import Chart, Column, Note, Paragraph, Report, Section, Table
from callscope.report.options import ReportOptions
from callscope.report.write import FORMATS, REPORTS, build_report, default_formats, render_file, write_report

__all__ = [
    "write_report",
    "build_report",
    "render_file",
    "default_formats",
    "REPORTS",
    "FORMATS",
    "ReportOptions",
    "Report",
    "Section",
    "Table",
    "Column",
    "Chart",
    "Paragraph",
    "Note",
]
