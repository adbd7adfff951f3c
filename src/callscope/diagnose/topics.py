"""Complaint topics: the main themes of what complaining customers wrote, with counts and change.

Texts: interactions.comment of complaints (complaint = true) and tickets.description of complaint
tickets, in the period, test rows left out; a contact whose complaint ticket is counted is not
counted again. Method: the distinct texts become TF-IDF vectors over their words (words.py: jieba
for Chinese, a regex for English), which non-negative matrix factorisation (scikit-learn's NMF,
NNDSVDa start from a seeded randomised SVD) splits into `top` themes; each complaint belongs to the theme with
its largest weight (texts without a known word go to "other"). A theme's label is its three
heaviest words. The previous period's complaints are assigned to the same themes, so the change
is like for like.
"""

from __future__ import annotations

import warnings

import ibis
import numpy as np
import pandas as pd

from callscope.diagnose.common import as_period, normalise_filters
from callscope.diagnose.words import words
from callscope.i18n import resolve_lang, tr
from callscope.kpi import Period
from callscope.store import Store

__all__ = ["complaint_topics", "complaint_texts", "COLUMNS"]

COLUMNS = ["theme", "label", "terms", "count", "share", "prev_count", "change", "change_pct", "examples"]
LABEL_TERMS = 3
COMPARES = ("prev", "yoy")


def complaint_topics(
    store: Store,
    period: str | Period | None,
    *,
    top: int = 8,
    compare: str | None = "prev",
    lang: str | None = None,
    filters: dict | None = None,
    examples: int = 3,
    seed: int = 0,
) -> pd.DataFrame:
    """Up to `top` themes of the period's complaint texts, largest first, then "other" if any.

    Columns: theme (1, 2, …; 0 for other), label (its top words joined by " / "), terms (the
    words), count (complaints), share (of the period's complaints with text), prev_count (the
    compared period's complaints of that theme), change, change_pct, examples (the most frequent
    texts). `seed` seeds the randomised SVD that starts NMF: the same seed, the same themes."""
    if int(top) < 1:
        raise ValueError(f"top must be at least 1 theme (got {top})")
    if compare not in (None, *COMPARES):
        raise ValueError(f"unknown comparison {compare!r} for topics; use prev, yoy or none")
    lang = resolve_lang(lang)
    period = as_period(store, period)
    filters = normalise_filters(filters)
    texts = complaint_texts(store, period, filters)
    earlier_period = None if compare is None else (period.previous() if compare == "prev" else period.year_earlier())
    earlier = complaint_texts(store, earlier_period, filters) if earlier_period else pd.Series(dtype=object)
    model = _Themes.fit(texts, int(top), seed)
    now, before = model.assign(texts), model.assign(earlier)
    frame = _table(model, texts, now, before, compare is not None, int(examples), lang)
    frame.attrs.update(period=period.label, compare_period=earlier_period.label if earlier_period else None, complaints=len(texts))
    return frame


def complaint_texts(store: Store, period: Period, filters: dict[str, list]) -> pd.Series:
    """The complaint texts of the period: contacts' comments and complaint tickets' descriptions."""
    contacts = _complaints(store, "interactions", "arrived_at", "comment", period, filters)
    tickets = _complaints(store, "tickets", "created_at", "description", period, filters)
    if contacts is None and tickets is None:
        raise ValueError(f"cannot filter complaints on {', '.join(filters)}: no such column in interactions or tickets")
    parts = []
    if tickets is not None:
        parts.append(tickets.select(_text=tickets.description))
    if contacts is not None:
        if tickets is not None:  # a contact whose complaint ticket is counted is not counted twice
            contacts = contacts.anti_join(tickets.filter(tickets.interaction_id.notnull()), contacts.interaction_id == tickets.interaction_id)
        parts.append(contacts.select(_text=contacts.comment))
    union = parts[0] if len(parts) == 1 else parts[0].union(parts[1], distinct=False)
    texts = union.to_pandas()["_text"].astype(str).str.strip()
    return texts[texts != ""].sort_values(kind="stable").reset_index(drop=True)  # sorted: the same themes every run


def _complaints(store: Store, table: str, time_col: str, text_col: str, period: Period, filters: dict[str, list]):
    if not store.has_table(table):
        return None
    t = store.table(table)
    if any(name not in t.columns for name in filters):
        return None
    t = t.filter(t.complaint.fill_null(False) & t[text_col].notnull() & ~t.is_test.fill_null(False))
    t = t.filter((t[time_col] >= ibis.literal(period.start)) & (t[time_col] < ibis.literal(period.end)))
    for name, values in filters.items():
        t = t.filter(t[name].isin(list(values)))
    return t


class _Themes:
    """TF-IDF over words, NMF into themes; `assign` puts any texts into them (-1: other)."""

    def __init__(self, vectorizer, nmf, terms: list[list[str]]):
        self.vectorizer, self.nmf, self.terms = vectorizer, nmf, terms

    @classmethod
    def fit(cls, texts: pd.Series, top: int, seed: int) -> "_Themes":
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfVectorizer

        distinct = list(dict.fromkeys(texts))  # repeats would make one text look like a theme
        vectorizer = TfidfVectorizer(analyzer=words, sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform(distinct)
        except ValueError:  # no text has a theme-bearing word (or there are no texts)
            return cls(None, None, [])
        nmf = NMF(n_components=min(top, *matrix.shape), init="nndsvda", max_iter=1000, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning on tiny inputs
            nmf.fit(matrix)
        vocabulary = vectorizer.get_feature_names_out()
        return cls(vectorizer, nmf, [_label_terms(row, vocabulary) for row in nmf.components_])

    def assign(self, texts: pd.Series) -> np.ndarray:
        if self.nmf is None or texts.empty:
            return np.full(len(texts), -1)
        distinct = list(dict.fromkeys(texts))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)
            weights = self.nmf.transform(self.vectorizer.transform(distinct))
        theme = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
        return texts.map(dict(zip(distinct, theme))).to_numpy(int)


def _label_terms(weights: np.ndarray, vocabulary) -> list[str]:
    """The heaviest words of a theme, skipping a word that is part of (or contains) one already taken."""
    chosen: list[str] = []
    lengths = np.array([len(term) for term in vocabulary])
    for i in np.lexsort((-lengths, -weights)):  # heaviest first; of equal weight the longer word (工作日 before 工作)
        if weights[i] <= 0 or len(chosen) == LABEL_TERMS:
            break
        term = vocabulary[i]
        if not any(term in c or c in term for c in chosen):
            chosen.append(term)
    return chosen


def _table(model: _Themes, texts: pd.Series, now: np.ndarray, before: np.ndarray, compared: bool, examples: int, lang: str) -> pd.DataFrame:
    total = len(texts)
    rows = []
    for theme in sorted(set(now.tolist()) - {-1}, key=lambda t: -(now == t).sum()):
        rows.append(_row(model.terms[theme], texts[now == theme], int((before == theme).sum()), total, compared, examples))
    if (now == -1).any():
        rows.append(_row([tr("diagnose.topics.other", lang)], texts[now == -1], int((before == -1).sum()), total, compared, examples))
    frame = pd.DataFrame(rows, columns=COLUMNS[1:])
    frame.insert(0, "theme", [*range(1, len(rows) + 1 - int((now == -1).any())), *([0] if (now == -1).any() else [])])
    return frame


def _row(terms: list[str], members: pd.Series, prev_count: int, total: int, compared: bool, examples: int) -> dict:
    count = len(members)
    prev = prev_count if compared else np.nan
    return {
        "label": " / ".join(terms),
        "terms": terms,
        "count": count,
        "share": count / total if total else np.nan,
        "prev_count": prev,
        "change": count - prev if compared else np.nan,
        "change_pct": (count - prev) / prev if compared and prev else np.nan,
        "examples": _most_frequent(members, examples),
    }


def _most_frequent(texts: pd.Series, n: int) -> list[str]:
    counts = texts.value_counts()
    return sorted(counts.index, key=lambda text: (-counts[text], text))[:n]
