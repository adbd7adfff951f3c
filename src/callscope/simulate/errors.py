"""Inputs a user can fix: one clear ValueError each, worded in locales/{en,zh}/simulate.yaml."""

from __future__ import annotations

from callscope.i18n import tr

__all__ = ["SimulationInputError", "fail"]


class SimulationInputError(ValueError):
    """A simulation input a user can fix (negative volume, unknown skill, bad distribution…)."""


def fail(key: str, **values: object) -> SimulationInputError:
    return SimulationInputError(tr(f"simulate.error.{key}", None, **values))
