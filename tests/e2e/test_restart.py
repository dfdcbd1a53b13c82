"""A conversation survives a restart of the Rasa server in the middle of a self-assessment."""

import json

from tests.e2e.harness import new_sender


def test_assessment_resumes_after_rasa_restart(coach):
    s = new_sender()
    coach.say(s, "let's do the self assessment")
    coach.say(s, "yes")
    coach.say(s, "/choose_level" + json.dumps({"level": "strong"}))
    replies = coach.say(s, "I lead the safety huddle")
    assert "2 of 9: Leading with care" in coach.text(replies)

    coach.stop_rasa()
    coach.start_rasa()

    # The form is still active in the stored tracker: the next answer is taken as the rating.
    replies = coach.say(s, "/choose_level" + json.dumps({"level": "proficient"}))
    assert "What makes you say that?" in coach.text(replies)
    replies = coach.say(s, "skip")
    assert "3 of 9: Evaluating information" in coach.text(replies)
    rows = coach.ratings(s)
    assert [(r[0], r[1]) for r in rows] == [("inspiring_shared_purpose", "strong"), ("leading_with_care", "proficient")]
    assert rows[0][3] == "I lead the safety huddle"
