"""Diagnosis: why a KPI missed (root cause by slices, mix and rate), which intervals were far from
their usual values (anomalies, bottlenecks), and what customers complain about (topics).

    root_cause(store, kpi, period, *, target, baseline, dims, depth, filters, top, lang) -> RootCause
    anomalies(store, kpi, period, *, grain, history_weeks, threshold, filters) -> DataFrame
    bottlenecks(store, period, *, grain, sl, answer_time, threshold, filters) -> DataFrame
    complaint_topics(store, period, *, top, compare, lang, filters) -> DataFrame
    shift_share(current, reference, keys, scale) -> Decomposition   the decomposition on its own

Methods and examples: docs/diagnose.md.
"""

from callscope.diagnose.anomalies import anomalies
from callscope.diagnose.bottlenecks import bottlenecks
from callscope.diagnose.decompose import Decomposition, shift_share
from callscope.diagnose.root_cause import RootCause, root_cause
from callscope.diagnose.topics import complaint_topics

__all__ = ["root_cause", "RootCause", "anomalies", "bottlenecks", "complaint_topics", "shift_share", "Decomposition"]
