"""A conversation as exchanges: each question with its answers, regenerated versions included."""

from mentor.exchange import exchanges


def _msg(i: int, role: str, reply_to: int | None = None) -> dict:
    return {"id": i, "role": role, "content": f"m{i}", "reply_to": reply_to}


def test_answers_join_their_question_and_the_latest_is_shown():
    rows = [_msg(1, "user"), _msg(2, "assistant", 1), _msg(3, "user"), _msg(4, "assistant", 3),
            _msg(5, "assistant", 1)]  # question 1 answered again after question 3
    ex = exchanges(rows)
    assert [(e.question["id"], [a["id"] for a in e.answers]) for e in ex] == [(1, [2, 5]), (3, [4])]
    assert ex[0].latest["id"] == 5


def test_rows_without_reply_to_join_the_question_before_them_and_a_lone_answer_stands_alone():
    rows = [_msg(1, "assistant"), _msg(2, "user"), _msg(3, "assistant"), _msg(4, "user")]  # an imported transcript
    ex = exchanges(rows)
    assert [(e.question and e.question["id"], [a["id"] for a in e.answers]) for e in ex] == [
        (None, [1]), (2, [3]), (4, [])]
    assert ex[2].latest is None
