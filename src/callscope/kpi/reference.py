"""The KPI reference in Markdown, generated from the catalogue (docs/kpi-reference*.md).

    python -m callscope.kpi.reference en > docs/kpi-reference.md
    python -m callscope.kpi.reference zh > docs/kpi-reference.zh.md

A test fails when the committed files differ from what the catalogue says.
"""

from __future__ import annotations

import sys

from callscope.i18n import tr
from callscope.kpi.catalogue import CATALOGUE, FAMILY_ORDER, OPTIONS
from callscope.kpi.catalogue.common import option_text

__all__ = ["markdown"]


def markdown(lang: str) -> str:
    defaults = {n: o.default for n, o in OPTIONS.items()}
    title = "KPI 参考" if lang == "zh" else "KPI reference"
    note = (
        "本文件由 `python -m callscope.kpi.reference zh` 根据指标目录生成,请勿手工编辑。命令行:`callscope kpi explain 编号`。"
        if lang == "zh"
        else "Generated from the catalogue by `python -m callscope.kpi.reference en`; do not edit by hand. On the command line: `callscope kpi explain ID`."
    )
    lines = [f"# {title}", "", note, ""]
    for family in FAMILY_ORDER:
        lines += [f"## {tr(f'kpi.family.{family}', lang)}", ""]
        for k in CATALOGUE.values():
            if k.family != family:
                continue
            lines += [f"### `{k.id}` — {k.name(lang)}", ""]
            lines.append(f"- {tr('kpi.explain.unit', lang)}: {k.unit}; {tr('kpi.explain.direction', lang)}: {tr(f'kpi.direction.{k.direction}', lang)}")
            lines.append(f"- {tr('kpi.explain.needs', lang)}: {', '.join(f'`{f}`' for f in k.required_fields(defaults))}")
            if k.intervals:
                lines.append(f"- {tr('kpi.explain.interval_needs', lang)}: {', '.join(f'`{f}`' for f in k.intervals.needs)}")
            if k.seed:
                lines.append(f"- {tr('kpi.explain.seed', lang)}: {k.seed}")
            if k.aliases:
                lines.append(f"- {tr('kpi.explain.aliases', lang)}: {', '.join(k.aliases)}")
            lines += ["", k.definition(lang), ""]
            if k.options:
                lines.append(f"{tr('kpi.explain.options', lang)}:")
                lines.append("")
                for name in k.options:
                    default = OPTIONS[name].default
                    shown = ",".join(default) if isinstance(default, tuple) else default
                    lines.append(f"- `{name}` ({shown}): {option_text(name, lang)}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown(sys.argv[1] if len(sys.argv) > 1 else "en"))
