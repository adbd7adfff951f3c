"""Words of complaint texts, Chinese and English alike.

Chinese runs are segmented by jieba in its search mode, which gives a long word and its parts
(等待时间 → 等待, 时间, 等待时间), so texts that share only a part still share a word; a few
contact-centre words are added to its dictionary (zh_words.txt). English runs are lower-cased
words with scikit-learn's English stop words removed and a plain plural -s dropped (refunds →
refund). Chinese stop words are in zh_stopwords.txt, and quantities (三个, 一周, 每次) are
dropped. Digits and punctuation are not words.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from importlib import resources

__all__ = ["words", "segmenter"]

_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z]+(?:'[A-Za-z]+)?")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A numeral and measure words (三个, 一周, 十几分钟, 每次): how much, not what.
_QUANTITY = re.compile(r"[零〇一二两三四五六七八九十百千万几半每][零〇一二两三四五六七八九十百千万几半多个次天日周月年号分秒钟点时遍回趟件块元]*")


def _lines(name: str) -> list[str]:
    text = resources.files("callscope.diagnose").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def segmenter():
    """jieba's segmenter with the contact-centre words, built once (its dictionary ships with it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" chatter on stderr
    tokenizer = jieba.Tokenizer()
    for word in _lines("zh_words.txt"):
        tokenizer.add_word(word)
    return tokenizer


@cache
def _stop_words() -> tuple[frozenset, frozenset]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(_lines("zh_stopwords.txt")), frozenset(ENGLISH_STOP_WORDS)


def _english(word: str) -> str:
    word = word.lower().removesuffix("'s")
    if "'" in word:  # i've, don't, it'll: contractions are grammar
        return ""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def words(text: str | None) -> list[str]:
    """The theme-bearing words of `text`, in order (a word may repeat)."""
    if not text:
        return []
    zh_stop, en_stop = _stop_words()
    out = []
    for run in _RUNS.findall(text):
        if _CJK.match(run):
            out.extend(w for w in segmenter().cut_for_search(run) if w not in zh_stop and not _QUANTITY.fullmatch(w))
        else:
            word = _english(run)
            if len(word) > 1 and word not in en_stop and run.lower() not in en_stop:
                out.append(word)
    return out
