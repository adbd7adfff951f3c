"""User-facing text in zh-CN and en.

Every label and message lives in `locales/en/<area>.yaml` and `locales/zh/<area>.yaml` under the
same key (a test keeps the two languages in step); each area of callscope has its own file. The language is chosen by an explicit argument, else the
`CALLSCOPE_LANG` environment variable, else the system locale (`LANG`), else English.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

import yaml

__all__ = ["LANGS", "resolve_lang", "set_lang", "tr", "catalogue"]

LANGS = ("en", "zh")
_current: str | None = None


def resolve_lang(lang: str | None = None) -> str:
    """Normalise 'zh', 'zh-CN', 'zh_CN.UTF-8', 'en_US' … to 'zh' or 'en'."""
    for candidate in (lang, _current, os.environ.get("CALLSCOPE_LANG"), os.environ.get("LANG")):
        if candidate:
            low = candidate.lower()
            if low.startswith("zh"):
                return "zh"
            if low.startswith("en"):
                return "en"
    return "en"


def set_lang(lang: str | None) -> str:
    """Set the process-wide language (the CLI's --lang) and return the resolved one."""
    global _current
    _current = resolve_lang(lang) if lang else None
    return resolve_lang()


@cache
def catalogue(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = resources.files("callscope.locales").joinpath(lang)
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            merged.update(_flatten(yaml.safe_load(item.read_text(encoding="utf-8")) or {}))
    return merged


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def tr(key: str, lang: str | None = None, /, **values: object) -> str:
    """The text for `key` in the chosen language, with `{placeholders}` filled from `values`."""
    lang = resolve_lang(lang)
    text = catalogue(lang).get(key) or catalogue("en").get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in locales/{lang}/")
    return text.format(**values) if values else text
