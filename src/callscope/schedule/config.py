"""The scheduling setup file: shift templates, weekly rules and objective weights in one YAML.

    templates: [...]          # see callscope.schedule.templates
    rules: {days_off: 2, max_hours: 40, min_hours: 0, min_rest_hours: 11, max_consecutive_days: 5}
    weights: {under: 10, over: 1, cost: 0.1}

`rules` and `weights` may be left out (the defaults above apply). Without a file, the shipped
`default_shifts.yaml` is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from callscope.schedule.problem import Weights
from callscope.schedule.rules import WeeklyRules
from callscope.schedule.templates import ShiftTemplate, TemplateError, parse_templates

__all__ = ["Setup", "load_setup", "DEFAULT_SETUP"]

DEFAULT_SETUP = "default_shifts.yaml"
_SECTIONS = {"templates", "rules", "weights"}


@dataclass(frozen=True)
class Setup:
    templates: list[ShiftTemplate]
    rules: WeeklyRules
    weights: Weights


def load_setup(path: str | Path | None = None) -> Setup:
    """Read a setup YAML file (or the shipped default when `path` is None)."""
    if path is None:
        text, source = resources.files("callscope.schedule").joinpath(DEFAULT_SETUP).read_text(encoding="utf-8"), DEFAULT_SETUP
    else:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"shift template file {path} does not exist")
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise TemplateError(f"{source}: expected a mapping with sections {sorted(_SECTIONS)}")
    unknown = set(doc) - _SECTIONS
    if unknown:
        raise TemplateError(f"{source}: unknown section(s) {sorted(unknown)}; allowed: {sorted(_SECTIONS)}")
    return Setup(
        parse_templates(doc.get("templates"), source),
        WeeklyRules.from_mapping(doc.get("rules"), f"{source}, rules"),
        Weights.from_mapping(doc.get("weights"), f"{source}, weights"),
    )
