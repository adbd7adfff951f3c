"""What follows a contact: resolved or not, complaints and their words, surveys, QA, sales.

Everything depends on what happened, so the KPIs have causes to find: long waits and unresolved
issues bring lower CSAT and more complaints; repeat contacts complain about repeating themselves;
new agents resolve less and score lower in QA; complaints after a public-opinion incident echo its
theme for a few days; campaign days convert better.
"""

from __future__ import annotations

import numpy as np

from callscope.demo.config import CATEGORIES
from callscope.demo.texts import COMPLAINT_THEMES, SURVEY_COMMENTS

__all__ = [
    "COMMENT_VOCAB",
    "THEMES",
    "resolved_flags",
    "complaints",
    "complaint_comments",
    "surveys",
    "qa_scores",
    "conversions",
    "TEST_COMMENT",
]

THEMES = tuple(COMPLAINT_THEMES)
TEST_COMMENT = "测试数据,请忽略"
COMMENT_VOCAB = tuple(t for texts in COMPLAINT_THEMES.values() for t in texts) + tuple(
    t for texts in SURVEY_COMMENTS.values() for t in texts
) + (TEST_COMMENT,)
_THEME_FIRST = np.cumsum([0] + [len(v) for v in COMPLAINT_THEMES.values()])[:-1]
_THEME_SIZE = np.array([len(v) for v in COMPLAINT_THEMES.values()])
_SURVEY_FIRST = {k: COMMENT_VOCAB.index(v[0]) for k, v in SURVEY_COMMENTS.items()}

RESOLVE_P = np.array([0.90, 0.92, 0.55, 0.66, 0.74, 0.84, 0.76, 0.92])  # per category, simple contacts
COMPLAINT_FACTOR = np.array([0.6, 0.6, 12.0, 1.3, 1.5, 1.2, 1.5, 0.6])
SURVEY_RATE = {"voice": 0.25, "chat": 0.35, "email": 0.15}
# What a long wait means depends on the channel: a minute on the phone, hours for e-mail.
WAIT_SCALE_S = {"voice": 60.0, "chat": 60.0, "email": 4 * 3600.0}
# Theme weights: the base, then a boost per category (CATEGORIES order).
_BASE = np.array([1.0, 0.5, 0.5, 0.5, 0.6, 0.3, 0.3])  # wait logistics refund quality attitude repeat billing
_BY_CATEGORY = np.zeros((len(CATEGORIES), len(THEMES)))
_BY_CATEGORY[1, 1] = 1.0
_BY_CATEGORY[2, [2, 3, 4]] = 1.0
_BY_CATEGORY[3, 3] = 1.5
_BY_CATEGORY[4, [2, 3]] = [2.5, 1.0]
_BY_CATEGORY[5, 6] = 2.5
_BY_CATEGORY[6, 1] = 3.0


def resolved_flags(rng, category, complex_, tenure_days) -> np.ndarray:
    """Resolved on this contact (the agent's first-contact-resolution flag)."""
    p = RESOLVE_P[category] - 0.12 * complex_ - 0.08 * (tenure_days < 90)
    return rng.random(category.size) < p


def complaints(rng, channel, category, wait_s, resolved, repeat, incident_theme) -> np.ndarray:
    p = 0.007 * COMPLAINT_FACTOR[category] * (1 + np.minimum(np.nan_to_num(wait_s) / (3 * WAIT_SCALE_S[channel]), 3))
    p = p * np.where(resolved, 1.0, 1.6) * np.where(repeat, 2.0, 1.0) * np.where(incident_theme >= 0, 1.5, 1.0)
    return rng.random(category.size) < np.minimum(p, 0.9)


def complaint_comments(rng, channel, category, wait_s, repeat, incident_theme) -> np.ndarray:
    """A complaint text (index into COMMENT_VOCAB) per contact, its theme following the context."""
    n = category.size
    w = np.tile(_BASE, (n, 1)) + _BY_CATEGORY[category]
    wait = np.nan_to_num(wait_s) / WAIT_SCALE_S[channel]
    w[:, 0] += np.where(wait > 5, 6.0, np.where(wait > 2, 3.0, 0.0))
    w[:, 5] += np.where(repeat, 3.0, 0.0)
    has_incident = incident_theme >= 0
    w[np.flatnonzero(has_incident), incident_theme[has_incident]] += 4.0
    cum = np.cumsum(w, axis=1)
    theme = (cum < rng.random(n)[:, None] * cum[:, -1:]).sum(axis=1)
    return _THEME_FIRST[theme] + rng.integers(0, 1 << 30, n) % _THEME_SIZE[theme]


def surveys(rng, channel, asked, wait_s, resolved, complaint, repeat, tenure_days):
    """CSAT (1–5), NPS (0–10) and a comment code (-1 = none) for those who answer the survey."""
    n = asked.size
    answers = asked & (rng.random(n) < SURVEY_RATE[channel])
    latent = 4.6 - 0.25 * np.minimum(np.nan_to_num(wait_s) / WAIT_SCALE_S[channel], 6) - 1.0 * ~resolved - 1.6 * complaint
    latent = latent - 0.3 * repeat + 0.15 * (tenure_days >= 365) + rng.normal(0, 0.6, n)
    csat = np.clip(np.rint(latent), 1, 5)
    nps = np.clip(np.rint(2 * csat - 0.5 + rng.normal(0, 1.2, n)), 0, 10)
    mood = np.where(csat >= 4, 0, np.where(csat == 3, 1, 2))  # the order of SURVEY_COMMENTS: good, neutral, bad
    comment = np.full(n, -1)
    says = answers & (rng.random(n) < 0.3)
    pick = rng.integers(0, 1 << 30, n)
    for i, (key, first) in enumerate(_SURVEY_FIRST.items()):
        mine = says & (mood == i)
        comment[mine] = first + pick[mine] % len(SURVEY_COMMENTS[key])
    return np.where(answers, csat, np.nan), np.where(answers, nps, np.nan), comment


def qa_scores(rng, handled, tenure_days, complaint, sensitive) -> np.ndarray:
    """Quality-assurance scores (0–100) for a 4% sample of contacts an agent handled."""
    n = handled.size
    sampled = handled & (rng.random(n) < 0.04)
    score = 86 + 4 * (tenure_days >= 365) - 6 * (tenure_days < 90) - 12 * complaint - 30 * sensitive + rng.normal(0, 6, n)
    return np.where(sampled, np.clip(np.rint(score * 2) / 2, 0, 100), np.nan)


def conversions(rng, sales, answered, tenure_days, campaign_day) -> np.ndarray:
    """Sales on the pre-sales queue (1/0); not applicable (nan) elsewhere."""
    p = 0.12 + 0.06 * (tenure_days >= 365) + 0.08 * campaign_day
    converted = answered & (rng.random(answered.size) < p)
    return np.where(sales, converted.astype(float), np.nan)
