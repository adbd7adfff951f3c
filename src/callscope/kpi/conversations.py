"""Per-conversation message statistics, the input of the smart-multimedia KPIs (seed 001).

For every conversation: agent and customer messages, replies sent from a stored script, adopted
recommendations, sensitive-word occurrences in agent messages, and the reply gaps (seconds from
the first unanswered customer message to the agent's reply; a sort of all messages).

Computing this means reading every message, so the store keeps it as a derived table,
`conversation_stats`, refreshed after each import that adds messages (only the conversations the
import touched) and rebuilt when the sensitive-word lexicon changes. When the table is missing or
out of date the KPI engine computes the same figures on the fly, which gives the same numbers,
only slower; `callscope refresh` brings the table up to date.
"""

from __future__ import annotations

import hashlib
import re

import ibis
import ibis.expr.types as ir

from callscope.config import Config
from callscope.kpi.catalogue.common import seconds_between
from callscope.kpi.lexicon import sensitive_words
from callscope.store import Store

__all__ = ["TABLE", "summarise", "refresh", "current", "sensitive_hits", "lexicon_fingerprint"]

TABLE = "conversation_stats"
_META_LEXICON = "conversation_stats.lexicon"
_META_RUN = "conversation_stats.run"
_REGEX_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


def lexicon_fingerprint(words: list[str]) -> str:
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:16]


def summarise(messages: ir.Table, words: list[str]) -> ir.Table:
    """One row per conversation of `messages`, keyed by _ms_source and _ms_id."""
    m = messages
    agent = m.sender == "agent"
    counts = m.group_by(_ms_source=m.source, _ms_id=m.interaction_id).aggregate(
        _m_agent_msgs=agent.sum(),
        _m_customer_msgs=(m.sender == "customer").sum(),
        _m_scripts=(agent & m.script_id.notnull()).sum(),
        _m_adopted=m.adopted.fill_null(False).sum(),
        _m_sensitive=ibis.cases((agent, sensitive_hits(m.text, words)), else_=0).sum(),
    )
    gaps = _reply_gaps(m)
    joined = counts.left_join(gaps, [counts._ms_source == gaps._g_source, counts._ms_id == gaps._g_id])
    return joined.select(
        "_ms_source", "_ms_id", "_m_agent_msgs", "_m_customer_msgs", "_m_scripts", "_m_adopted", "_m_sensitive",
        _m_gap_sum=joined._m_gap_sum.cast("float64"), _m_gap_n=joined._m_gap_n.fill_null(0).cast("int64"),
    )


def _reply_gaps(m: ir.Table) -> ir.Table:
    """For each agent reply after customer messages: seconds since the first unanswered customer message."""
    # Only the columns the windows need: carrying message text through the sort costs gigabytes.
    talk = m.filter(m.sender.isin(["customer", "agent"])).select("source", "interaction_id", "seq", "ts", "sender")
    order = ibis.window(group_by=[talk.source, talk.interaction_id], order_by=talk.seq)
    talk = talk.mutate(_prev=talk.sender.lag().over(order))
    starts = (talk.sender == "customer") & (talk._prev.isnull() | (talk._prev != "customer"))
    running = ibis.window(group_by=[talk.source, talk.interaction_id], order_by=talk.seq, rows=(None, 0))
    talk = talk.mutate(_run_start=ibis.cases((starts, talk.ts), else_=ibis.null("timestamp")).max().over(running))
    reply = (talk.sender == "agent") & (talk._prev == "customer")
    talk = talk.mutate(_gap=ibis.cases((reply, seconds_between(talk._run_start, talk.ts)), else_=ibis.null("float64")))
    return talk.group_by(_g_source=talk.source, _g_id=talk.interaction_id).aggregate(_m_gap_sum=talk._gap.sum(), _m_gap_n=talk._gap.count())


def sensitive_hits(text: ir.StringValue, words: list[str]) -> ir.IntegerValue:
    """Occurrences of any lexicon word in `text`: one alternation pattern, compiled once by the engine.

    Each match is replaced by one marker character; the count of markers is the number of hits
    (portable across DuckDB, PostgreSQL and Spark, which all lack a common 'count matches').
    """
    if not words:
        return ibis.literal(0)
    pattern = "(?i)(" + "|".join(_REGEX_SPECIAL.sub(r"\\\1", w) for w in sorted(words, key=len, reverse=True)) + ")"
    clean = text.fill_null("").replace("\x01", "")
    marked = clean.re_replace(pattern, "\x01")
    return marked.length() - marked.replace("\x01", "").length()


def current(store: Store, config: Config) -> ir.Table | None:
    """The stored statistics if they include every imported message and the present lexicon."""
    if not store.has_table(TABLE) or store.meta(_META_LEXICON) != lexicon_fingerprint(sensitive_words(config)):
        return None
    latest = store.table("messages")._run_id.max().to_pyarrow().as_py()
    done = store.meta(_META_RUN)
    return store.table(TABLE) if latest is None or (done is not None and int(done) >= int(latest)) else None


def refresh(store: Store, config: Config, run_id: int | None = None) -> None:
    """Bring `conversation_stats` up to date: the conversations touched by import `run_id`, or all
    of them (first time, no run given, or a changed lexicon)."""
    words = sensitive_words(config)
    fingerprint = lexicon_fingerprint(words)
    messages = store.table("messages")
    with store.transaction():
        whole = run_id is None or not store.has_table(TABLE) or store.meta(_META_LEXICON) != fingerprint
        if whole:
            store.execute_sql(f'DROP TABLE IF EXISTS "{TABLE}"')
            store.con.create_table(TABLE, schema=summarise(messages, words).schema())
            source = messages
        else:
            touched = messages.filter(messages._run_id == run_id).select(_t_source=messages.source, _t_id=messages.interaction_id).distinct()
            subquery = store.con.compile(touched.select(key=touched._t_source + ibis.literal("\x1f") + touched._t_id))
            store.execute_sql(f'DELETE FROM "{TABLE}" WHERE "_ms_source" || chr(31) || "_ms_id" IN ({subquery})')
            source = messages.semi_join(touched, [messages.source == touched._t_source, messages.interaction_id == touched._t_id])
        store.append(TABLE, summarise(source, words))
        latest = messages._run_id.max().to_pyarrow().as_py()
        store.set_meta(_META_LEXICON, fingerprint)
        store.set_meta(_META_RUN, str(latest or 0))
