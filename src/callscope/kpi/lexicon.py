"""The sensitive-word lexicon for 敏感词出现率 (seed 001 (6)): built in, or the project's own."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from callscope.config import Config

__all__ = ["sensitive_words", "read_lexicon"]


def read_lexicon(text: str) -> list[str]:
    """One word per line; blank lines and lines starting with # are ignored."""
    words = []
    for line in text.splitlines():
        word = line.strip()
        if word and not word.startswith("#") and word not in words:
            words.append(word)
    return words


def sensitive_words(config: Config) -> list[str]:
    source = config.sensitive_words
    if isinstance(source, list):
        return [str(w).strip() for w in source if str(w).strip()]
    if source in (None, "builtin"):
        return read_lexicon(resources.files("callscope.kpi").joinpath("sensitive_words.txt").read_text(encoding="utf-8"))
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"sensitive-word lexicon {path} (from the configuration) does not exist")
    return read_lexicon(path.read_text(encoding="utf-8"))
