"""Where the time of a contact goes, by slice: the stages of seed 003's Table 2 (主要延迟环节).

For answered contacts of the period (exclusion rules of the response family applied, as for the
response KPIs), the mean seconds of three consecutive stages:

- routing: arrival to entering the agent queue (IVR, bot, routing) = queued_at − arrived_at,
  0 when the contact has no queue time (e-mail);
- queue: waiting for the first response = answered_at − queued_at (or − arrived_at);
- resolution: first response to resolution = resolved_at − answered_at, over resolved contacts.

The main delay stage of a slice is the stage with the longest mean; its share is that mean over
the sum of the three means.
"""

from __future__ import annotations

import ibis
import pandas as pd

from callscope.kpi.catalogue.common import seconds_between
from callscope.kpi.context import KpiContext
from callscope.kpi.engine import resolve_options
from callscope.kpi.prepare import prepared

__all__ = ["STAGES", "stage_times"]

STAGES = ("routing", "queue", "resolution")


def stage_times(ctx, dim: str = "category") -> pd.DataFrame:
    """Columns: `dim`, answered (contacts), routing_s, queue_s, resolution_s, stage, stage_share."""
    kctx = KpiContext(ctx.store, ctx.config, ctx.period, [dim], None, {}, {**resolve_options(ctx.config.kpi_options), "_period_end": ctx.period.end}, ctx.lang)
    t = prepared(kctx, "interactions", set())
    t = t.filter(t._keep_response & (t.outcome == "answered") & t.answered_at.notnull())
    queued = ibis.coalesce(t.queued_at, t.arrived_at)
    grouped = t.group_by(dim).aggregate(
        answered=t.count(),
        routing_s=seconds_between(t.arrived_at, queued).mean(),
        queue_s=seconds_between(queued, t.answered_at).mean(),
        resolution_s=seconds_between(t.answered_at, t.resolved_at).mean(),
    )
    frame = grouped.to_pandas()
    means = frame[[f"{s}_s" for s in STAGES]].astype(float)
    frame["stage"] = [STAGES[int(i)] if pd.notna(m) else None for i, m in zip(means.fillna(-1).to_numpy().argmax(axis=1), means.max(axis=1))]
    frame["stage_share"] = means.max(axis=1) / means.sum(axis=1, min_count=1).where(lambda s: s > 0)
    return frame.sort_values(dim, kind="stable").reset_index(drop=True)
