"""Every user-facing message exists in both languages, with the same placeholders."""

import re

from callscope.i18n import catalogue, resolve_lang, tr


def test_both_languages_have_the_same_keys():
    en, zh = catalogue("en"), catalogue("zh")
    assert sorted(set(en) - set(zh)) == []
    assert sorted(set(zh) - set(en)) == []


def test_placeholders_match_between_languages():
    en, zh = catalogue("en"), catalogue("zh")
    names = lambda text: sorted(set(re.findall(r"\{(\w+)", text)))  # noqa: E731
    mismatched = [k for k in en if names(en[k]) != names(zh[k])]
    assert mismatched == []


def test_language_resolution(monkeypatch):
    monkeypatch.delenv("CALLSCOPE_LANG", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert resolve_lang() == "zh"
    assert resolve_lang("en_US") == "en"
    monkeypatch.setenv("CALLSCOPE_LANG", "en")
    assert resolve_lang() == "en"


def test_message_is_filled_in():
    text = tr("quarantine.NOT_A_TIMESTAMP", "en", line=1042, column="answered_at", value="2024-13-01 10:00", expected="%Y-%m-%d %H:%M:%S")
    assert text == "line 1042, column answered_at: '2024-13-01 10:00' is not a valid timestamp (expected %Y-%m-%d %H:%M:%S)"
