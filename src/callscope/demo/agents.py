"""The people: a roster of seats per team, filled by agents who are hired, leave and are replaced.

A family's team has as many seats as its staffing needs (seats open as volume grows, so later
seats are filled by new hires); each seat rests two fixed weekdays a week; about one seat in eight
a year sees its agent leave and a new one hired. Tenure drives how many chats an agent may hold at
once (seed 001: new agents 3, experienced 6–8) and how fast they work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callscope.demo.config import DemoConfig, Family

__all__ = ["Roster", "build_roster", "max_chats", "tenure_speed", "agent_name", "TEAM_SIZE", "TRAINING_DAYS"]

TEAM_SIZE = 12
TRAINING_DAYS = 14  # a new hire takes contacts two weeks after the hire date
ANNUAL_ATTRITION = 0.12
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = (
    "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚",
    "桂英", "文", "辉", "鑫", "婷", "雪", "琳", "晨", "宇", "欣怡", "子涵", "浩然", "梓萱", "思远", "雨婷", "佳琪", "俊杰",
    "晓燕", "海燕", "丹", "蕾", "颖", "倩", "璐", "莉", "萍", "红", "玲", "建华", "志强", "春梅", "晓明", "凯", "鹏", "博",
)


def agent_name(number: int) -> str:
    """A made-up Chinese name, fixed for an agent number."""
    return _SURNAMES[(number * 7) % len(_SURNAMES)] + _GIVEN[(number * 13) % len(_GIVEN)]


def max_chats(tenure_days, agent_number) -> np.ndarray:
    """Chats an agent may hold at once: 3 in the first 90 days, 5 in the first year, then 6–8."""
    tenure = np.asarray(tenure_days)
    senior = 6 + np.asarray(agent_number) % 3
    return np.where(tenure < 90, 3, np.where(tenure < 365, 5, senior)).astype(np.int64)


def tenure_speed(tenure_days) -> np.ndarray:
    """Handle-time multiplier by tenure: new agents are slower."""
    tenure = np.asarray(tenure_days)
    return np.where(tenure < 90, 1.2, np.where(tenure < 365, 1.07, 1.0))


@dataclass
class Roster:
    """A family's agents and, per day, which agent sits in which seat."""

    family: Family
    number: np.ndarray  # agent number (A1001 …), global across families
    seat: np.ndarray  # seat each agent fills
    hire: np.ndarray  # hire date as a day index (negative: before the demo period)
    leave: np.ndarray  # day index of the last day, or a large number
    speed: np.ndarray  # the agent's own handle-time multiplier
    occupant: np.ndarray  # (days, seats): agent index working from that seat, -1 = vacant
    rest_weekdays: np.ndarray  # (seats, 2)

    @property
    def size(self) -> int:
        return self.number.size

    def available(self, day: int, weekday: int) -> tuple[np.ndarray, np.ndarray]:
        """Agents on duty this day (not resting), and resting agents who can do overtime."""
        agents = self.occupant[day]
        resting = (self.rest_weekdays == weekday).any(axis=1)
        present = agents >= 0
        return agents[present & ~resting], agents[present & resting]


def build_roster(cfg: DemoConfig, family: Family, seats_needed: np.ndarray, first_number: int) -> Roster:
    """Seats open as `seats_needed` (per day) grows; each seat's agent may leave and be replaced."""
    rng = cfg.rng(family.key, "roster")
    days = cfg.days
    opened = np.maximum.accumulate(seats_needed)
    n_seats = int(opened.max())
    open_day = np.searchsorted(opened, np.arange(n_seats), side="right")  # first day seat s is needed
    first_hire = np.where(open_day == 0, -rng.integers(30, 2200, n_seats), open_day - TRAINING_DAYS)
    quits = rng.random(n_seats) < min(0.5, ANNUAL_ATTRITION * cfg.months / 12)
    quit_day = rng.integers(0, days, n_seats)
    quits &= quit_day > open_day + 60
    # Agents: every seat's first agent, then the replacements, numbered in that order.
    seat = np.concatenate([np.arange(n_seats), np.flatnonzero(quits)])
    hire = np.concatenate([first_hire, quit_day[quits] + 3])
    leave = np.concatenate([np.where(quits, quit_day, 10**6), np.full(int(quits.sum()), 10**6)])
    n_agents = seat.size
    occupant = np.full((days, n_seats), -1, np.int64)
    day = np.arange(days)
    for agent in range(n_agents):  # a few dozen to a few thousand agents: a loop over people is fine
        works = (day >= hire[agent] + TRAINING_DAYS) & (day <= leave[agent])
        occupant[works, seat[agent]] = agent
    rest_first = (np.arange(n_seats) * 3) % 7
    return Roster(
        family=family,
        number=first_number + np.arange(n_agents),
        seat=seat,
        hire=hire,
        leave=leave,
        speed=np.exp(rng.normal(0.0, 0.08, n_agents)),
        occupant=occupant,
        rest_weekdays=np.stack([rest_first, (rest_first + 1) % 7], axis=1),
    )
