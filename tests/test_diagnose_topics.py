"""Complaint topics on a small hand-written set with known themes, Chinese and English."""

from __future__ import annotations

import pytest

from callscope.diagnose import complaint_topics
from callscope.diagnose.words import words
from callscope.i18n import set_lang
from callscope.store import open_store
from diagnose_stores import load_rows

# September 2024: four themes of three complaints each, and one complaint without a theme word.
REFUND = ["退款一直没有到账", "申请退款两周了还没到账", "退款到账太慢了"]
QUEUE = ["排队等待时间太长", "电话排队半小时没人接", "排队太久了,等不下去"]
RUDE = ["The agent was rude and hung up on me", "Rude agent, very unprofessional", "Agent rude again!"]
PARCEL = ["My parcel never arrived", "Parcel lost by the courier", "Where is my parcel? The courier says delivered"]
NOTHING = "还是没有"  # only stop words
# August: two refund complaints, one about the queue, one parcel.
AUGUST = ["退款还没到账", "退款申请被拒", "排队排了很久", "parcel damaged"]


@pytest.fixture(autouse=True)
def _language_reset():
    """`--lang` sets the process's language (as the CLI should); put it back for the next tests."""
    yield
    set_lang(None)


def _contact(i: int, text: str, when: str, complaint: bool = True) -> dict:
    return {"interaction_id": f"v{i}", "source": "pbx", "channel": "voice", "queue": "q", "arrived_at": when, "wait_s": 5, "talk_s": 60,
            "outcome": "answered", "complaint": complaint, "comment": text}


@pytest.fixture(scope="module")
def complaints(tmp_path_factory):
    folder = tmp_path_factory.mktemp("topics")
    s = open_store(str(folder / "t.duckdb"), timezone="Asia/Shanghai")
    september = REFUND[:2] + QUEUE + RUDE + PARCEL + [NOTHING]
    contacts = [_contact(i, text, f"2024-09-{i + 1:02d} 10:00:00") for i, text in enumerate(september)]
    contacts += [_contact(100 + i, text, f"2024-08-{i + 1:02d} 10:00:00") for i, text in enumerate(AUGUST)]
    contacts.append(_contact(200, "退款太慢了,非常满意", "2024-09-20 10:00:00", complaint=False))  # a survey comment, not a complaint
    contacts.append(_contact(201, REFUND[2], "2024-09-21 10:00:00"))  # the third refund complaint, also raised as ticket K1
    load_rows(s, folder, "interactions", contacts)
    load_rows(s, folder, "tickets", [
        {"ticket_id": "K1", "source": "crm", "interaction_id": "v201", "channel": "voice", "created_at": "2024-09-21 10:05:00", "complaint": True, "description": REFUND[2]},
        {"ticket_id": "K2", "source": "crm", "channel": "email", "created_at": "2024-09-22 10:05:00", "complaint": True, "is_test": True, "description": "test ticket refund"},
    ])
    yield s
    s.close()


def test_words_in_chinese_and_english():
    # jieba's search mode gives the long word and its parts; stop words and quantities are dropped.
    assert words("排队等待时间太长") == ["排队", "等待", "时间", "等待时间", "长"]
    assert words("申请退款两周了还没到账") == ["申请", "退款", "到账"]  # 两周 is a quantity
    assert words("电话排队半小时没人接") == ["排队", "小时", "半小时", "没人", "没人接"]  # 没人接 from zh_words.txt
    assert words("The agents were rude, I've waited 2 hours!") == ["agent", "rude", "waited", "hour"]


def test_known_themes_with_counts_and_change(complaints):
    frame = complaint_topics(complaints, "2024-09", top=4)
    assert frame.attrs["complaints"] == 13  # 12 themed + 1 without a theme word; K1 counted once, K2 is a test
    planted = {"退款": REFUND, "排队": QUEUE, "rude": RUDE, "parcel": PARCEL}
    found = {frozenset(r["examples"]): r for r in frame.to_dict("records") if r["theme"]}
    assert set(found) == {frozenset(texts) for texts in planted.values()}  # each theme is exactly one planted group
    themes = {word: found[frozenset(texts)] for word, texts in planted.items()}
    assert all(word in r["terms"] for word, r in themes.items())  # … and is labelled with its word
    assert all(r["count"] == 3 and r["share"] == pytest.approx(3 / 13) for r in themes.values())
    # August's complaints fall into the same themes: refund 2, queue 1, parcel 1, rude 0
    assert {w: r["prev_count"] for w, r in themes.items()} == {"退款": 2, "排队": 1, "rude": 0, "parcel": 1}
    assert themes["退款"]["change"] == 1 and themes["退款"]["change_pct"] == pytest.approx(0.5)
    assert themes["rude"]["change"] == 3 and themes["rude"]["change_pct"] != themes["rude"]["change_pct"]  # NaN: nothing before
    other = frame[frame["theme"] == 0].iloc[0]
    assert (other["label"], other["count"], other["examples"]) == ("(other)", 1, [NOTHING])
    assert frame["theme"].tolist()[-1] == 0 and sorted(frame["theme"].tolist()[:-1]) == [1, 2, 3, 4]


def test_same_seed_same_themes_and_labels_in_both_languages(complaints):
    first = complaint_topics(complaints, "2024-09", top=4, lang="zh")
    again = complaint_topics(complaints, "2024-09", top=4, lang="zh")
    assert first.drop(columns=["terms", "examples"]).equals(again.drop(columns=["terms", "examples"]))
    assert first[first["theme"] == 0]["label"].iloc[0] == "(其他)"


def test_topics_without_comparison_and_filtered(complaints):
    frame = complaint_topics(complaints, "2024-09", top=4, compare=None, filters={"channel": "email"})
    assert frame.empty or frame["count"].sum() == 0  # the only e-mail complaint is a test ticket
    frame = complaint_topics(complaints, "2024-09", top=2, compare=None)
    assert frame["prev_count"].isna().all() and frame["count"].sum() == 13
    with pytest.raises(ValueError, match="unknown comparison 'mom'"):
        complaint_topics(complaints, "2024-09", compare="mom")


def test_topics_command(complaints):
    from typer.testing import CliRunner

    from callscope.cli import app

    result = CliRunner().invoke(app, ["diagnose", "topics", "--period", "2024-09", "--top", "4", "--lang", "zh", "--store", complaints.url])
    assert result.exit_code == 0, result.output
    assert "投诉主题,2024-09(有文本的投诉 13 条)" in result.output and "(其他)" in result.output


def test_complaint_texts_on_every_engine(store, tmp_path):
    # A complaint contact with its complaint ticket counts once; a test ticket and a non-complaint don't count.
    load_rows(store, tmp_path, "interactions", [_contact(1, "退款没到账", "2024-09-02 10:00:00"), _contact(2, "很满意", "2024-09-02 11:00:00", complaint=False)])
    load_rows(store, tmp_path, "tickets", [
        {"ticket_id": "K1", "source": "crm", "interaction_id": "v1", "channel": "voice", "created_at": "2024-09-02 10:05:00", "complaint": True, "description": "退款没到账"},
        {"ticket_id": "K2", "source": "crm", "channel": "email", "created_at": "2024-09-03 10:05:00", "complaint": True, "description": "parcel lost"},
        {"ticket_id": "K3", "source": "crm", "channel": "email", "created_at": "2024-09-03 11:05:00", "complaint": True, "is_test": True, "description": "test"},
    ])
    frame = complaint_topics(store, "2024-09", top=2, compare=None)
    assert sorted(frame["count"]) == [1, 1] and sorted(e for r in frame["examples"] for e in r) == ["parcel lost", "退款没到账"]
