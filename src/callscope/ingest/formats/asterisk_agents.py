"""Agent states from Asterisk queue_log events: logged in, on a call, paused, available.

An agent is logged in from ADDMEMBER or AGENTLOGIN (or, for a static member of queues.conf or a
session begun before the file, from the first event that names them) until AGENTLOGOFF or the
REMOVEMEMBER that leaves them in no queue. While logged in they are:

- on_contact from CONNECT until the call's COMPLETECALLER / COMPLETEAGENT / transfer;
- on break while paused in every queue they are a member of (PAUSE … UNPAUSE; PAUSEALL pauses
  everywhere until UNPAUSEALL or an UNPAUSE), with the pause reason;
- available otherwise.

Each state becomes one `agent_states` row. A row accounts for the agent-event lines it absorbed
(the line that started it, and lines that changed nothing, such as a second PAUSE); call lines are
counted with the interaction, so a state a call started or ended carries none of them. A state
lasting 0 s hands its lines to the next one; one ended by a log-off is kept even at 0 s so the
log-off line is still accounted for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["AgentTimeline", "LOGIN_EVENTS", "LOGOFF_EVENTS", "AGENT_EVENTS"]

LOGIN_EVENTS = {"AGENTLOGIN", "AGENTCALLBACKLOGIN"}
LOGOFF_EVENTS = {"AGENTLOGOFF", "AGENTCALLBACKLOGOFF"}
AGENT_EVENTS = {"ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL"} | LOGIN_EVENTS | LOGOFF_EVENTS
_EVERYWHERE = "*"  # PAUSEALL

Emit = Callable[[dict, int, int], None]  # row, _line, _nlines


@dataclass
class _Segment:
    key: tuple  # (state, reason, queue)
    start: float
    line: int
    nlines: int


@dataclass
class _Agent:
    logged_in: bool = False
    agent_login: bool = False  # AGENTLOGIN rather than queue membership
    members: set = field(default_factory=set)
    paused: dict = field(default_factory=dict)  # queue → reason
    call: tuple | None = None  # (visit id, queue)
    segment: _Segment | None = None  # the current state; present exactly while logged in


class AgentTimeline:
    """Turns agent and call events into non-overlapping state rows per agent."""

    def __init__(self, emit: Emit):
        self.emit = emit
        self.agents: dict[str, _Agent] = {}

    def logged_in(self, agent: str) -> bool:
        a = self.agents.get(agent)
        return bool(a and a.logged_in)

    def event(self, agent: str, event: str, t: float, line: int, queue: str, data1: str) -> None:
        """An agent-event line (one of AGENT_EVENTS); a log-off needs `logged_in(agent)` first."""
        a = self.agents.setdefault(agent, _Agent())
        a.logged_in = True
        if event == "ADDMEMBER":
            a.members.add(queue)
            if data1 == "PAUSED":
                a.paused[queue] = ""
        elif event == "REMOVEMEMBER":
            a.members.discard(queue)
            a.paused.pop(queue, None)
            if not a.members and not a.agent_login:
                self._log_off(a)
        elif event == "PAUSE":
            a.paused[queue] = data1
        elif event == "PAUSEALL":
            a.paused[_EVERYWHERE] = data1
        elif event == "UNPAUSE":
            a.paused.pop(queue, None)
            a.paused.pop(_EVERYWHERE, None)
        elif event == "UNPAUSEALL":
            a.paused.clear()
        elif event in LOGIN_EVENTS:
            a.agent_login = True
        elif event in LOGOFF_EVENTS:
            self._log_off(a)
        self._transition(agent, a, t, line, own=1)

    def call_started(self, agent: str, t: float, line: int, visit: str, queue: str) -> None:
        a = self.agents.setdefault(agent, _Agent())
        a.logged_in = True
        a.call = (visit, queue)
        self._transition(agent, a, t, line, own=0)

    def call_ended(self, agent: str | None, t: float, line: int, visit: str) -> None:
        a = self.agents.get(agent or "")
        if a and a.call and a.call[0] == visit:
            a.call = None
            self._transition(agent, a, t, line, own=0)

    def call_dropped(self, agent: str | None, visit: str, last_seen: float) -> None:
        """A call that never got an outcome: its on_contact state ends at its last event, and what
        the agent did afterwards is unknown until their next event (which logs them in again)."""
        a = self.agents.get(agent or "")
        if a and a.call and a.call[0] == visit:
            self._close(agent, a, last_seen, final=True)
            self._log_off(a)

    def finish(self, t: float) -> None:
        """The end of the file: states still open end at its last time stamp."""
        for agent, a in self.agents.items():
            if a.segment:
                self._close(agent, a, max(t, a.segment.start), final=True)

    @staticmethod
    def _log_off(a: _Agent) -> None:
        a.logged_in = a.agent_login = False
        a.members.clear()
        a.paused.clear()
        a.call = None

    @staticmethod
    def _state(a: _Agent) -> tuple | None:
        if not a.logged_in:
            return None
        if a.call:
            return ("on_contact", None, a.call[1])
        paused = set(a.paused)
        if _EVERYWHERE in paused or (paused and (not a.members or a.members <= paused)):
            reason = next((r for r in a.paused.values() if r), None)
            return ("break", reason, None)
        return ("available", None, None)

    def _transition(self, agent: str, a: _Agent, t: float, line: int, own: int) -> None:
        new = self._state(a)
        seg = a.segment
        if seg and seg.key == new:
            seg.nlines += own
            return
        handed = 0
        if seg:
            if new is None:  # a log-off belongs to the session it ends
                seg.nlines += own
                own = 0
            handed = self._close(agent, a, t, final=new is None)
        if new is not None:
            a.segment = _Segment(new, t, line, own + handed)

    def _close(self, agent: str, a: _Agent, t: float, *, final: bool) -> int:
        """Emit the current state ending at `t`; a 0-second one returns its line count instead."""
        seg = a.segment
        a.segment = None
        if t > seg.start or (final and seg.nlines):
            state, reason, queue = seg.key
            row = {"agent_id": agent, "state": state, "start": seg.start, "end": max(t, seg.start), "reason": reason or None, "queue": queue}
            self.emit(row, seg.line, seg.nlines)
            return 0
        return seg.nlines
