"""A centre described in YAML (several queues and agent groups), for `callscope simulate --centre`.

    interval_s: 1800
    answer_time_s: 20
    sl_definition: answered        # or virtual
    short_abandon_s: 0
    queues:
      - {name: vip, calls: [20, 30, 25], aht_s: 180, patience_s: 120, priority: 0}
      - {name: normal, calls: [80, 110, 90], aht_s: 200, wrap_s: 15, patience_s: 90,
         patience: {kind: lognormal, cv: 1.2}, priority: 1}
    groups:
      - {name: generalists, skills: [vip, normal], agents: [14, 16, 15]}
      - {name: chat, skills: [...], agents: 4, concurrency: 3}
"""

from __future__ import annotations

from pathlib import Path

import yaml

from callscope.simulate.distributions import Distribution
from callscope.simulate.errors import fail
from callscope.simulate.model import AgentGroup, Centre, Queue

__all__ = ["load_centre"]

_QUEUE_KEYS = {"name", "calls", "aht_s", "wrap_s", "patience_s", "patience", "service", "priority"}
_GROUP_KEYS = {"name", "skills", "agents", "concurrency"}
_TOP_KEYS = {"interval_s", "answer_time_s", "sl_definition", "short_abandon_s", "queues", "groups"}


def _check_keys(path: Path, where: str, item: object, allowed: set[str], required: set[str]) -> dict:
    if not isinstance(item, dict):
        raise fail("file_shape", path=path, where=where)
    unknown, missing = sorted(set(item) - allowed), sorted(required - set(item))
    if unknown or missing:
        raise fail("file_keys", path=path, where=where, unknown=", ".join(unknown) or "—", missing=", ".join(missing) or "—", allowed=", ".join(sorted(allowed)))
    return item


def _distribution(path: Path, where: str, spec: dict | None) -> Distribution:
    return Distribution(**_check_keys(path, where, spec, {"kind", "cv"}, {"kind"})) if spec else Distribution()


def load_centre(path: str | Path) -> Centre:
    path = Path(path)
    spec = _check_keys(path, "top level", yaml.safe_load(path.read_text(encoding="utf-8")), _TOP_KEYS, {"interval_s", "queues", "groups"})
    queues = []
    for i, q in enumerate(spec["queues"] or []):
        q = _check_keys(path, f"queues[{i}]", q, _QUEUE_KEYS, {"name", "calls", "aht_s"})
        shapes = {k: _distribution(path, f"queues[{i}].{k}", q.get(k)) for k in ("patience", "service")}
        queues.append(Queue(**{**q, **shapes}))
    groups = [AgentGroup(**_check_keys(path, f"groups[{i}]", g, _GROUP_KEYS, {"name", "skills", "agents"})) for i, g in enumerate(spec["groups"] or [])]
    top = {k: spec[k] for k in ("answer_time_s", "sl_definition", "short_abandon_s") if k in spec}
    return Centre(spec["interval_s"], queues, groups, **top)
