"""Chat transcripts: the turns of every chat, built block by block for many chats at once.

A chat is up to three blocks of turns, in this order:
- with the bot (arrival → queue): greeting, one or more question/answer pairs — answers often
  recommend a knowledge hotspot — then "转人工" and the system's transfer notice, or the
  customer's thanks when the bot settled it (that last recommendation was adopted);
- with the agent (answer → end): greeting (often a stored script), question/reply pairs
  (replies sometimes a stored script or a recommended hotspot, rarely a sensitive word), and the
  agent's farewell — or, when the agent closed the chat, the customer's last unanswered message;
- abandoned in the queue: perhaps "人呢?", then the system's note that the customer left.
Within a block, time stamps are spread between the block's start and end, with customer and
agent gaps drawn separately, so reply intervals vary as in real transcripts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.chat import ChatSessions
from callscope.demo.config import DemoConfig
from callscope.demo.contacts import ANSWERED, BOT_RESOLVED
from callscope.demo.knowledge import PER_CATEGORY, Hotspots
from callscope.demo.texts import CATEGORY_SCRIPT, CHAT, CUSTOMER_QUESTIONS, SCRIPTS, SENSITIVE_REPLIES, recommendation

__all__ = ["transcripts", "message_vocabulary", "SENDERS", "SCRIPT_IDS", "CHUNK"]

SENDERS = ("customer", "agent", "bot", "system")
CUSTOMER, AGENT, BOT, SYSTEM = range(4)
SCRIPT_IDS = tuple(SCRIPTS)
_CATEGORY_SCRIPT = np.array([SCRIPT_IDS.index(s) for s in CATEGORY_SCRIPT])
SCRIPT_SHARE, HOTSPOT_SHARE, BOT_HOTSPOT_SHARE = 0.3, 0.12, 0.7
CHUNK = 250_000  # chats per batch of transcripts: bounds memory at any size


class _Vocabulary:
    """Every message text, coded; a pool is the codes of one kind of turn."""

    def __init__(self, hotspots: Hotspots):
        self.texts: list[str] = []
        self.pools: dict[str, np.ndarray] = {name: self._add(texts) for name, texts in CHAT.items()}
        self.questions = np.array([self._add(q) for q in CUSTOMER_QUESTIONS])  # (categories, 3)
        self.scripts = self._add(SCRIPTS.values())
        self.pools["sensitive"] = self._add(SENSITIVE_REPLIES)
        self.hotspots = self._add(recommendation(t) for t in hotspots.titles)

    def _add(self, texts) -> np.ndarray:
        first = len(self.texts)
        self.texts.extend(texts)
        return np.arange(first, len(self.texts), dtype=np.int32)

    def fill(self, rng: np.random.Generator, text: np.ndarray, where: np.ndarray, pool: str) -> None:
        codes = self.pools[pool]
        text[where] = codes[rng.integers(0, codes.size, int(np.count_nonzero(where)))]


def message_vocabulary(hotspots: Hotspots) -> list[str]:
    return _Vocabulary(hotspots).texts


@dataclass
class _Block:
    """One block's rows: global row, owning chat, position in the block, block length."""

    rows: np.ndarray
    chat: np.ndarray
    pos: np.ndarray
    size: np.ndarray


def transcripts(cfg: DemoConfig, sessions: ChatSessions, hotspots: Hotspots, key: str, first: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
    """Turns of the family's chats first … stop-1: chat (contact index), seq, ts, sender, agent,
    text, script, hotspot (codes, -1 = none) and adopted (1/0, nan = not a recommendation)."""
    rng = cfg.rng(key, "messages", str(first))
    vocab = _Vocabulary(hotspots)
    col = sessions.contacts.columns
    chats = np.arange(first, sessions.contacts.n if stop is None else stop)
    n = chats.size
    outcome = col["outcome"][chats]
    bot = col["bot_handled"][chats] == 1
    served = outcome == ANSWERED
    solved = outcome == BOT_RESOLVED
    abandoned = ~served & ~solved
    pairs_bot = 1 + rng.poisson(0.6, n)
    pairs_human = 1 + rng.poisson(np.where(col["complexity"][chats] == 1, 3.5, 2.0))
    len_bot = np.where(bot, 1 + 2 * pairs_bot + np.where(solved, 1, 2), 0)
    len_human = np.where(served, 2 + 2 * pairs_human, 0)
    len_left = np.where(abandoned, 1 + (rng.random(n) < 0.4), 0)
    total = len_bot + len_human + len_left
    start = np.cumsum(total) - total
    m = int(total.sum())
    out = {
        "chat": np.repeat(chats, total).astype(np.int32),
        "seq": (np.arange(m) - np.repeat(start, total) + 1).astype(np.int32),
        "ts": np.zeros(m),
        "sender": np.zeros(m, np.int8),
        "agent": np.full(m, -1, np.int32),
        "text": np.zeros(m, np.int32),
        "script": np.full(m, -1, np.int16),
        "hotspot": np.full(m, -1, np.int16),
        "adopted": np.full(m, np.nan, np.float32),
    }
    local = {name: values[chats] for name, values in col.items() if name in _NEEDED}
    local["agent"] = sessions.contacts.agent[chats]
    local["sensitive"] = sessions.sensitive[chats]
    local["bot_end"] = np.where(solved, local["ended_at"], local["queued_at"])
    local["solved"] = solved
    _bot_block(rng, vocab, hotspots, out, local, _block(np.flatnonzero(bot), start, len_bot))
    _human_block(rng, vocab, hotspots, out, local, _block(np.flatnonzero(served), start + len_bot, len_human))
    _left_block(rng, vocab, out, local, _block(np.flatnonzero(abandoned), start + len_bot, len_left))
    out["ts"] = np.rint(out["ts"])
    return out


_NEEDED = ("arrived_at", "queued_at", "answered_at", "ended_at", "abandoned_at", "category", "bot_handled", "agent_closed")


def _block(chats: np.ndarray, offset: np.ndarray, lengths: np.ndarray) -> _Block:
    size = lengths[chats]
    owner = np.repeat(chats, size)
    pos = np.arange(owner.size) - np.repeat(np.cumsum(size) - size, size)
    return _Block(offset[owner] + pos, owner, pos, np.repeat(size, size))


def _bot_block(rng, vocab: _Vocabulary, hotspots: Hotspots, out: dict, c: dict, b: _Block) -> None:
    k = b.rows.size
    start, end = c["arrived_at"][b.chat], c["bot_end"][b.chat]
    frac = np.where(b.pos == 0, 0.0, np.where(b.pos == b.size - 1, 1.0, (b.pos + rng.random(k)) / b.size))
    out["ts"][b.rows] = start + frac * (end - start)
    solved = c["solved"][b.chat]
    tail = b.size - b.pos  # 1 = the last turn
    closing = np.where(solved, tail == 1, tail <= 2)
    question = (b.pos % 2 == 1) & ~closing
    answer = (b.pos % 2 == 0) & (b.pos > 0) & ~closing
    sender = np.full(k, BOT, np.int8)
    sender[question | (closing & ~((tail == 1) & ~solved))] = CUSTOMER
    sender[closing & (tail == 1) & ~solved] = SYSTEM
    text = np.zeros(k, np.int32)
    vocab.fill(rng, text, b.pos == 0, "bot_greeting")
    first_q = b.pos == 1
    text[first_q] = vocab.questions[c["category"][b.chat[first_q]], rng.integers(0, 3, int(first_q.sum()))]
    vocab.fill(rng, text, question & ~first_q, "customer_followup")
    final = solved & (tail == 2)  # the answer the customer thanks the bot for: adopted
    offered = answer & (final | (rng.random(k) < BOT_HOTSPOT_SHARE))
    vocab.fill(rng, text, answer & ~offered, "bot_fallback")
    idx = np.flatnonzero(offered)
    hotspot = _offer(rng, hotspots, c["category"][b.chat[idx]], out["ts"][b.rows[idx]], adopted=final[idx])
    text[idx] = vocab.hotspots[hotspot]
    vocab.fill(rng, text, closing & solved, "customer_thanks")
    vocab.fill(rng, text, closing & ~solved & (tail == 2), "customer_transfer")
    vocab.fill(rng, text, closing & ~solved & (tail == 1), "system_transfer")
    out["sender"][b.rows], out["text"][b.rows] = sender, text
    out["hotspot"][b.rows[idx]] = hotspot
    out["adopted"][b.rows[idx]] = final[idx]


def _human_block(rng, vocab: _Vocabulary, hotspots: Hotspots, out: dict, c: dict, b: _Block) -> None:
    k = b.rows.size
    last = b.pos == b.size - 1
    closed = c["agent_closed"][b.chat] == 1
    customer = ((b.pos % 2 == 1) & ~last) | (last & closed)
    sender = np.where(customer, CUSTOMER, AGENT).astype(np.int8)
    # Gaps: customers take ~40 s to write, agents ~30 s to reply; scaled to fill the conversation.
    gap = np.where(b.pos == 0, 0.0, rng.exponential(np.where(customer, 40.0, 30.0)))
    first_row = np.flatnonzero(b.pos == 0)
    per_chat = b.size[first_row]
    elapsed = np.cumsum(gap)
    elapsed -= np.repeat(elapsed[first_row], per_chat)
    whole = np.repeat(elapsed[first_row + per_chat - 1], per_chat)
    start, end = c["answered_at"][b.chat], c["ended_at"][b.chat]
    out["ts"][b.rows] = start + (end - start) * elapsed / whole

    category = c["category"][b.chat]
    text = np.zeros(k, np.int32)
    script = np.full(k, -1, np.int16)
    opening = (b.pos == 1) & (c["bot_handled"][b.chat] != 1)  # no bot heard the question yet
    text[opening] = vocab.questions[category[opening], rng.integers(0, 3, int(opening.sum()))]
    vocab.fill(rng, text, customer & ~opening, "customer_followup")
    greet = b.pos == 0
    greet_script = greet & (rng.random(k) < 0.7)
    script[greet_script] = rng.integers(0, 3, int(greet_script.sum()))  # S01–S03
    vocab.fill(rng, text, greet & ~greet_script, "agent_greeting")
    reply = ~customer & ~greet & ~last
    u = rng.random(k)
    reply_script = reply & (u < SCRIPT_SHARE)
    script[reply_script] = _CATEGORY_SCRIPT[category[reply_script]]
    offered = reply & ~reply_script & (u < SCRIPT_SHARE + HOTSPOT_SHARE)
    plain = reply & ~reply_script & ~offered
    vocab.fill(rng, text, plain, "agent_generic")
    farewell = last & ~closed
    farewell_script = farewell & (rng.random(k) < 0.8)
    script[farewell_script] = 3 + rng.integers(0, 2, int(farewell_script.sum()))  # S04–S05
    vocab.fill(rng, text, farewell & ~farewell_script, "agent_farewell")
    scripted = script >= 0
    text[scripted] = vocab.scripts[script[scripted]]
    idx = np.flatnonzero(offered)
    hotspot = _offer(rng, hotspots, category[idx], out["ts"][b.rows[idx]])
    text[idx] = vocab.hotspots[hotspot]
    adopted = rng.random(idx.size) < hotspots.adoption(hotspot, out["ts"][b.rows[idx]])
    # The first plain reply of a chat whose agent slips carries the sensitive word.
    vocab.fill(rng, text, _first_in_chat(plain & c["sensitive"][b.chat], b.chat), "sensitive")
    out["sender"][b.rows], out["text"][b.rows], out["script"][b.rows] = sender, text, script
    out["agent"][b.rows] = np.where(customer, -1, c["agent"][b.chat])
    out["hotspot"][b.rows[idx]] = hotspot
    out["adopted"][b.rows[idx]] = adopted


def _left_block(rng, vocab: _Vocabulary, out: dict, c: dict, b: _Block) -> None:
    k = b.rows.size
    last = b.pos == b.size - 1
    queued, left = c["queued_at"][b.chat], c["abandoned_at"][b.chat]
    out["ts"][b.rows] = np.where(last, left, queued + rng.random(k) * (left - queued))
    out["sender"][b.rows] = np.where(last, SYSTEM, CUSTOMER)
    text = np.zeros(k, np.int32)
    vocab.fill(rng, text, last, "system_left")
    vocab.fill(rng, text, ~last, "customer_waiting")
    out["text"][b.rows] = text


def _offer(rng, hotspots: Hotspots, category: np.ndarray, when: np.ndarray, adopted=None) -> np.ndarray:
    """A recommended answer of the contact's category; with `adopted` known (the bot's answer that
    settled a session, or one that did not), good answers are likelier to be the adopted ones."""
    if adopted is None:
        return hotspots.for_category(rng, category)
    options = category[:, None] * PER_CATEGORY + np.arange(PER_CATEGORY)[None, :]
    p = hotspots.adoption(options, when[:, None])
    weight = np.where(adopted[:, None], p, 1 - p)
    cum = np.cumsum(weight, axis=1)
    pick = (cum < rng.random(category.size)[:, None] * cum[:, -1:]).sum(axis=1)
    return options[np.arange(category.size), pick]


def _first_in_chat(mask: np.ndarray, chat: np.ndarray) -> np.ndarray:
    """True for the first row of each chat where `mask` holds."""
    idx = np.flatnonzero(mask)
    first = np.zeros(mask.size, bool)
    if idx.size:
        keep = np.ones(idx.size, bool)
        keep[1:] = chat[idx[1:]] != chat[idx[:-1]]
        first[idx[keep]] = True
    return first
