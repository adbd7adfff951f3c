"""Project settings: exclusion rules, tag definitions, KPI options, targets, sensitive words,
report settings (the balanced scorecard's perspectives and weights).

Defaults ship in `config/default.yaml`; a project's `callscope.yaml` (working directory, or an
explicit path) is merged over them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Config", "load_config", "PROJECT_FILE"]

PROJECT_FILE = "callscope.yaml"
_KEYS = {"exclusions", "tags", "kpi_options", "targets", "sensitive_words", "reports"}


@dataclass(frozen=True)
class Config:
    data: dict[str, Any]
    path: str | None = None  # the project file merged over the defaults, if any

    @property
    def exclusions(self) -> list[dict]:
        return list(self.data.get("exclusions") or [])

    @property
    def tags(self) -> dict:
        return dict(self.data.get("tags") or {})

    @property
    def kpi_options(self) -> dict:
        return dict(self.data.get("kpi_options") or {})

    @property
    def targets(self) -> list[dict]:
        return list(self.data.get("targets") or [])

    @property
    def reports(self) -> dict:
        return dict(self.data.get("reports") or {})

    @property
    def sensitive_words(self):
        return self.data.get("sensitive_words", "builtin")

    def with_overrides(self, **sections) -> "Config":
        data = copy.deepcopy(self.data)
        for key, value in sections.items():
            if value is not None:
                data[key] = _merge(data.get(key), value)
        return Config(data, self.path)


def _defaults() -> dict:
    return yaml.safe_load(resources.files("callscope.config").joinpath("default.yaml").read_text(encoding="utf-8"))


def load_config(path: str | Path | None = None) -> Config:
    """Defaults merged with `path`, or with ./callscope.yaml when it exists."""
    data = _defaults()
    if path is None and Path(PROJECT_FILE).exists():
        path = PROJECT_FILE
    if path is None:
        return Config(data)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no configuration file {path}")
    try:
        user = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(user, dict):
        raise ValueError(f"{path}: expected a mapping with keys {', '.join(sorted(_KEYS))}")
    unknown = set(user) - _KEYS
    if unknown:
        raise ValueError(f"{path}: unknown section {sorted(unknown)[0]!r} (expected one of {', '.join(sorted(_KEYS))})")
    for key, value in user.items():
        data[key] = _merge(data.get(key), value)
    return Config(data, str(path))


def _merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for k, v in override.items():
            merged[k] = _merge(base.get(k), v)
        return merged
    return copy.deepcopy(override)
