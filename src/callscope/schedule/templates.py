"""Shift templates as data: when a shift may start, how long it is, and where its breaks may go.

A template is written in YAML (see `default_shifts.yaml`):

    templates:
      - name: day_8h
        starts: {from: "06:00", to: "14:00", every: 30}   # or a list: ["08:00", "09:00"]
        length: "8:30"                                     # on site, lunch included
        breaks:
          - {kind: break, minutes: 15, within: ["2:00", "3:00"]}
          - {kind: lunch, minutes: 30, within: ["4:00", "5:00"]}   # lunch is unpaid unless paid: true

`within` is measured from the shift's start and the break lies entirely inside it. Expanding a
template on the requirement's interval grid gives one `ShiftOption` per start time, each break
with its allowed start offsets; both solvers work on those options.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BreakRule",
    "ShiftTemplate",
    "BreakOption",
    "ShiftOption",
    "TemplateError",
    "parse_templates",
    "expand_templates",
    "parse_clock",
    "format_clock",
]

BREAK_KINDS = ("break", "lunch")
_TEMPLATE_KEYS = {"name", "starts", "length", "breaks"}
_BREAK_KEYS = {"kind", "minutes", "within", "paid"}


class TemplateError(ValueError):
    """A shift template that cannot be used as written."""


@dataclass(frozen=True)
class BreakRule:
    kind: str  # "break" or "lunch"
    minutes: int
    window_start: int  # minutes after the shift's start
    window_end: int
    paid: bool


@dataclass(frozen=True)
class ShiftTemplate:
    name: str
    starts: tuple[int, ...]  # minutes after midnight (a start ≥ 24:00 is not allowed)
    length: int  # minutes on site
    breaks: tuple[BreakRule, ...] = ()

    @property
    def paid_minutes(self) -> int:
        return self.length - sum(b.minutes for b in self.breaks if not b.paid)


@dataclass(frozen=True)
class BreakOption:
    kind: str
    slots: int  # length in intervals
    offsets: tuple[int, ...]  # allowed start offsets, in intervals after the shift's start
    paid: bool


@dataclass(frozen=True)
class ShiftOption:
    """One template at one start time, on a grid of `interval_minutes`."""

    template: str
    start_minute: int
    start_slot: int  # interval of the day the shift starts in
    slots: int  # length in intervals
    paid_minutes: int
    breaks: tuple[BreakOption, ...]
    interval_minutes: int

    @property
    def end_minute(self) -> int:
        """Minutes after the start day's midnight; above 1440 for a shift that ends the next day."""
        return self.start_minute + self.slots * self.interval_minutes

    @property
    def label(self) -> str:
        return f"{self.template}@{format_clock(self.start_minute)}"


def parse_clock(value: object, where: str) -> int:
    """'8:30' or '08:30' → 510 minutes; an int is taken as minutes."""
    if isinstance(value, bool):
        raise TemplateError(f"{where}: {value!r} is not a time; write minutes or 'H:MM'")
    if isinstance(value, int):
        if value < 0:
            raise TemplateError(f"{where}: {value} is negative; times and lengths are ≥ 0")
        return value
    text = str(value).strip()
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not (minutes.isdigit() and len(minutes) == 2) or int(minutes) >= 60:
        raise TemplateError(f"{where}: {value!r} is not a time; write 'H:MM' such as '8:30' or a number of minutes")
    return int(hours) * 60 + int(minutes)


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_templates(items: object, source: str) -> list[ShiftTemplate]:
    """The `templates:` list of a YAML document → templates, checked for sense."""
    if not isinstance(items, list) or not items:
        raise TemplateError(f"{source}: 'templates' must be a non-empty list of shift templates")
    templates = [_parse_template(item, f"{source}, template #{i + 1}") for i, item in enumerate(items)]
    seen: set[str] = set()
    for t in templates:
        if t.name in seen:
            raise TemplateError(f"{source}: template name {t.name!r} is used twice; names must be unique")
        seen.add(t.name)
    return templates


def _parse_template(item: object, where: str) -> ShiftTemplate:
    if not isinstance(item, dict):
        raise TemplateError(f"{where}: expected a mapping with {sorted(_TEMPLATE_KEYS)}, got {item!r}")
    name = str(item.get("name") or "")
    where = f"{where} ({name})" if name else where
    unknown = set(item) - _TEMPLATE_KEYS
    if unknown:
        raise TemplateError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TEMPLATE_KEYS)}")
    if not name:
        raise TemplateError(f"{where}: every template needs a 'name'")
    if "length" not in item or "starts" not in item:
        raise TemplateError(f"{where}: 'starts' and 'length' are required")
    length = parse_clock(item["length"], f"{where}, length")
    if length <= 0:
        raise TemplateError(f"{where}: length {item['length']!r} must be longer than zero")
    starts = _parse_starts(item["starts"], f"{where}, starts")
    breaks = tuple(_parse_break(b, f"{where}, break #{i + 1}", length) for i, b in enumerate(item.get("breaks") or []))
    _check_windows_apart(breaks, where)
    template = ShiftTemplate(name, starts, length, breaks)
    if template.paid_minutes <= 0:
        raise TemplateError(f"{where}: unpaid breaks take the whole shift; nothing would be paid")
    return template


def _parse_starts(spec: object, where: str) -> tuple[int, ...]:
    if isinstance(spec, dict):
        unknown = set(spec) - {"from", "to", "every"}
        if unknown or not {"from", "to", "every"} <= set(spec):
            raise TemplateError(f"{where}: write {{from: 'H:MM', to: 'H:MM', every: MINUTES}}, got {spec!r}")
        first, last = parse_clock(spec["from"], where), parse_clock(spec["to"], where)
        every = parse_clock(spec["every"], where)
        if every <= 0 or last < first:
            raise TemplateError(f"{where}: need from ≤ to and every > 0, got {spec!r}")
        starts = tuple(range(first, last + 1, every))
    elif isinstance(spec, list) and spec:
        starts = tuple(sorted({parse_clock(v, where) for v in spec}))
    else:
        raise TemplateError(f"{where}: give a list of start times or {{from, to, every}}, got {spec!r}")
    if starts[-1] >= 24 * 60:
        raise TemplateError(f"{where}: start {format_clock(starts[-1])} is not within the day (00:00–23:59)")
    return starts


def _parse_break(item: object, where: str, shift_length: int) -> BreakRule:
    if not isinstance(item, dict):
        raise TemplateError(f"{where}: expected a mapping with {sorted(_BREAK_KEYS)}, got {item!r}")
    unknown = set(item) - _BREAK_KEYS
    if unknown:
        raise TemplateError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_BREAK_KEYS)}")
    kind = str(item.get("kind", "break"))
    if kind not in BREAK_KINDS:
        raise TemplateError(f"{where}: kind {kind!r} is not one of {list(BREAK_KINDS)}")
    if "minutes" not in item or "within" not in item:
        raise TemplateError(f"{where}: 'minutes' and 'within' are required")
    minutes = parse_clock(item["minutes"], f"{where}, minutes")
    window = item["within"]
    if not (isinstance(window, list) and len(window) == 2):
        raise TemplateError(f"{where}: 'within' must be [from, to] after the shift's start, got {window!r}")
    lo, hi = parse_clock(window[0], f"{where}, within"), parse_clock(window[1], f"{where}, within")
    if minutes <= 0 or hi - lo < minutes:
        raise TemplateError(f"{where}: a {minutes}-minute {kind} does not fit within {window!r}")
    if hi > shift_length:
        raise TemplateError(f"{where}: window {window!r} ends after the shift ({format_clock(shift_length)})")
    return BreakRule(kind, minutes, lo, hi, bool(item.get("paid", kind == "break")))


def _check_windows_apart(breaks: tuple[BreakRule, ...], where: str) -> None:
    # Non-overlapping windows mean any combination of placements is valid, which lets the
    # optimiser place each break independently.
    ordered = sorted(breaks, key=lambda b: b.window_start)
    for a, b in zip(ordered, ordered[1:]):
        if b.window_start < a.window_end:
            raise TemplateError(
                f"{where}: break windows {format_clock(a.window_start)}–{format_clock(a.window_end)} and "
                f"{format_clock(b.window_start)}–{format_clock(b.window_end)} overlap; make them disjoint"
            )


def expand_templates(templates: list[ShiftTemplate], interval_minutes: int) -> list[ShiftOption]:
    """Every template at every start time, in intervals; times must fall on the grid."""
    options = []
    for t in templates:
        for name, value in [("length", t.length)] + [(f"start {format_clock(s)}", s) for s in t.starts]:
            _on_grid(value, interval_minutes, f"template {t.name!r}, {name}")
        breaks = []
        for b in t.breaks:
            for name, value in (("minutes", b.minutes), ("window start", b.window_start), ("window end", b.window_end)):
                _on_grid(value, interval_minutes, f"template {t.name!r}, {b.kind} {name}")
            first, last = b.window_start // interval_minutes, (b.window_end - b.minutes) // interval_minutes
            breaks.append(BreakOption(b.kind, b.minutes // interval_minutes, tuple(range(first, last + 1)), b.paid))
        for start in t.starts:
            options.append(
                ShiftOption(
                    t.name,
                    start,
                    start // interval_minutes,
                    t.length // interval_minutes,
                    t.paid_minutes,
                    tuple(breaks),
                    interval_minutes,
                )
            )
    return options


def _on_grid(minutes: int, interval_minutes: int, where: str) -> None:
    if minutes % interval_minutes:
        raise TemplateError(
            f"{where}: {minutes} minutes is not a multiple of the {interval_minutes}-minute interval; "
            "align shift times to the requirement's intervals"
        )
