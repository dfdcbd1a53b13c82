"""CoachStore on a real database: SQLite always, PostgreSQL too when COACH_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import sqlite3

import pytest

from bot import crypto
from sqlalchemy import create_engine, inspect, text

import bot.storage
from bot.identity import user_key
from bot.storage import ANSWER_MAX_CHARS, NOTE_MAX_CHARS, CoachStore, migrate

COACH_TABLES = {"coach_people", "coach_consents", "coach_assessments", "coach_ratings", "coach_reflections"}


@pytest.fixture
def coach(db_url):
    s = CoachStore(db_url)
    yield s
    s.close()


ALICE = "alice@example.org"
BOB = "bob-channel-id-42"


@pytest.fixture
def alice():
    return user_key(ALICE)


@pytest.fixture
def bob():
    return user_key(BOB)


def _scalar(url, sql, **params):
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- identity


def test_user_key_is_a_stable_keyed_hash():
    k = user_key(ALICE)
    assert len(k) == 64 and all(c in "0123456789abcdef" for c in k)
    assert user_key(ALICE) == k
    assert user_key(BOB) != k
    assert ALICE not in k


def test_user_key_depends_on_the_secret(monkeypatch):
    import bot.identity

    before = user_key(ALICE)
    monkeypatch.setenv("COACH_USER_KEY_SECRET", "another-secret")
    bot.identity._secret.cache_clear()
    assert user_key(ALICE) != before


def test_user_key_needs_a_sender_id():
    with pytest.raises(ValueError):
        user_key("")


def test_user_key_secret_file_is_created_once(tmp_path, monkeypatch):
    import bot.identity

    secret_file = tmp_path / "secret" / "key"
    monkeypatch.delenv("COACH_USER_KEY_SECRET")
    monkeypatch.setenv("COACH_USER_KEY_SECRET_FILE", str(secret_file))
    bot.identity._secret.cache_clear()
    first = user_key(ALICE)
    assert secret_file.exists()
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    bot.identity._secret.cache_clear()
    assert user_key(ALICE) == first


# --------------------------------------------------------------------------- consent and stage


def test_consent(coach, alice, db_url):
    assert coach.people.has_consent(alice) is False
    coach.people.record_consent(alice, False)
    assert coach.people.has_consent(alice) is False
    coach.people.record_consent(alice, True)
    assert coach.people.has_consent(alice) is True
    coach.people.record_consent(alice, False)  # the newest answer counts
    assert coach.people.has_consent(alice) is False
    assert _scalar(db_url, "select count(*) from coach_consents") == 3


def test_a_retried_answer_is_stored_once(coach, alice, db_url):
    """The same message handled twice (a server killed after the write, the client sending it again):
    the same consent answer and the same reflection answer are kept once; a different answer, or the
    same one after the retry window, is kept."""
    assert coach.people.record_consent(alice, True) is True
    assert coach.people.record_consent(alice, True) is False
    assert _scalar(db_url, "select count(*) from coach_consents") == 1
    first = coach.reflections.add(alice, "receiving_end", "What's it like?", "Calm, I hope")
    again = coach.reflections.add(alice, "receiving_end", "What's it like?", "Calm, I hope")
    assert again.id == first.id
    coach.reflections.add(alice, "receiving_end", "What's it like?", "Calm, mostly")
    coach.reflections.add(alice, "leading_with_care_1", "Another question", "Calm, I hope")
    assert _scalar(db_url, "select count(*) from coach_reflections") == 3
    # Older than the window: a new answer, even if the same words.
    engine = create_engine(db_url, future=True)
    with engine.begin() as conn:
        conn.execute(text("update coach_reflections set created_at = :t"),
                         {"t": bot.storage.engine.utcnow() - bot.storage.engine.RETRY_WINDOW * 2})
        conn.execute(text("update coach_consents set created_at = :t"),
                         {"t": bot.storage.engine.utcnow() - bot.storage.engine.RETRY_WINDOW * 2})
    engine.dispose()
    assert coach.reflections.add(alice, "receiving_end", "What's it like?", "Calm, I hope").id != first.id
    assert coach.people.record_consent(alice, True) is True
    assert _scalar(db_url, "select count(*) from coach_reflections") == 4
    assert _scalar(db_url, "select count(*) from coach_consents") == 2


def test_consent_to_an_older_wording_does_not_count(coach, alice, monkeypatch):
    monkeypatch.setattr(bot.storage.people, "CONSENT_VERSION", "2020-01")
    coach.people.record_consent(alice, True)
    assert coach.people.has_consent(alice) is True
    monkeypatch.undo()
    assert coach.people.has_consent(alice) is False


def test_the_raw_sender_id_is_never_stored(coach, alice, db_url):
    coach.people.record_consent(alice, True)
    assert _scalar(db_url, "select user_key from coach_people") == alice
    assert _scalar(db_url, "select count(*) from coach_people where user_key = :raw", raw=ALICE) == 0


def test_career_stage(coach, alice):
    assert coach.people.career_stage(alice) is None
    coach.people.set_career_stage(alice, "first_role")
    assert coach.people.career_stage(alice) == "first_role"
    coach.people.set_career_stage(alice, "mid_level")
    assert coach.people.career_stage(alice) == "mid_level"


# --------------------------------------------------------------------------- assessments


def test_start_and_resume(coach, alice):
    assert coach.assessments.open(alice) is None
    first = coach.assessments.start(alice)
    assert first.status == "in_progress" and first.ratings == () and first.completed_at is None
    coach.assessments.save_rating(alice, "inspiring_shared_purpose", "strong")
    resumed = coach.assessments.start(alice)
    assert resumed.id == first.id
    assert resumed.levels == {"inspiring_shared_purpose": "strong"}
    assert coach.assessments.open(alice).id == first.id


def test_save_rating_replaces_and_the_changed_answer_is_the_latest(coach, alice, db_url):
    coach.assessments.start(alice)
    coach.assessments.save_rating(alice, "inspiring_shared_purpose", "strong")
    coach.assessments.save_rating(alice, "leading_with_care", "essential")
    record = coach.assessments.save_rating(alice, "inspiring_shared_purpose", "proficient")
    # A changed answer is the newest one, so the note that follows it belongs to it.
    assert record.answered == ("leading_with_care", "inspiring_shared_purpose")
    assert record.last.dimension_id == "inspiring_shared_purpose"
    assert record.rating("inspiring_shared_purpose").level == "proficient"
    assert _scalar(db_url, "select count(*) from coach_ratings") == 2


def test_revise_starts_from_the_latest_completed_answers(coach, alice):
    coach.assessments.save_rating(alice, "inspiring_shared_purpose", "strong")
    coach.assessments.save_rating(alice, "leading_with_care", None, skipped=True)
    coach.assessments.save_note(alice, "inspiring_shared_purpose", "I held the line on values")
    done = coach.assessments.complete(alice)
    revised = coach.assessments.revise(alice)
    assert revised.status == "in_progress" and revised.id != done.id
    assert revised.ratings == done.ratings  # the same answers, notes and skips, in the same order
    assert coach.assessments.revise(alice).id == revised.id  # the one in progress, not another copy
    coach.assessments.save_rating(alice, "leading_with_care", "strong")
    coach.assessments.complete(alice)
    first, second = coach.assessments.completed(alice)[::-1]
    assert first.levels == {"inspiring_shared_purpose": "strong"}  # the finished one is left as it was
    assert second.levels == {"inspiring_shared_purpose": "strong", "leading_with_care": "strong"}


def test_revise_with_nothing_completed_opens_an_empty_assessment(coach, alice):
    assert coach.assessments.revise(alice).ratings == ()


def test_save_rating_without_start_opens_an_assessment(coach, alice):
    record = coach.assessments.save_rating(alice, "holding_to_account", "not_sure")
    assert record.status == "in_progress"
    assert record.levels == {"holding_to_account": "not_sure"}


def test_skip_and_unskip(coach, alice, db_url):
    coach.assessments.start(alice)
    record = coach.assessments.save_rating(alice, "evaluating_information", "strong", skipped=True)
    rating = record.rating("evaluating_information")
    assert rating.skipped is True and rating.level is None
    assert record.levels == {}
    assert record.answered == ("evaluating_information",)
    assert _scalar(db_url, "select count(*) from coach_ratings where skipped = :t and level is null", t=True) == 1
    record = coach.assessments.save_rating(alice, "evaluating_information", "exemplary")
    assert record.rating("evaluating_information").skipped is False
    assert record.levels == {"evaluating_information": "exemplary"}


def test_save_note(coach, alice, db_url):
    coach.assessments.start(alice)
    assert coach.assessments.save_note(alice, "leading_with_care", "no rating yet") is False
    coach.assessments.save_rating(alice, "leading_with_care", "proficient")
    assert coach.assessments.save_note(alice, "leading_with_care", "I check in with people after hard shifts") is True
    assert coach.assessments.open(alice).rating("leading_with_care").note == "I check in with people after hard shifts"
    assert coach.assessments.save_note(alice, "leading_with_care", "x" * (NOTE_MAX_CHARS + 500)) is True
    stored = _scalar(db_url, "select note from coach_ratings")
    assert "xxxx" not in stored  # encrypted at rest
    assert len(crypto.decrypt(stored)) == NOTE_MAX_CHARS


def test_save_note_for_unknown_person(coach, bob):
    assert coach.assessments.save_note(bob, "leading_with_care", "hello") is False
    assert coach.assessments.open(bob) is None


def test_complete(coach, alice):
    coach.assessments.start(alice)
    coach.assessments.save_rating(alice, "inspiring_shared_purpose", "strong")
    done = coach.assessments.complete(alice)
    assert done.status == "completed"
    assert done.completed_at is not None and done.completed_at >= done.started_at
    assert coach.assessments.open(alice) is None
    assert coach.assessments.complete(alice) is None  # nothing left to complete
    history = coach.assessments.completed(alice)
    assert [a.id for a in history] == [done.id]
    assert history[0].levels == {"inspiring_shared_purpose": "strong"}


def test_history_newest_first(coach, alice):
    ids = []
    for level in ("essential", "proficient", "strong"):
        coach.assessments.start(alice)
        coach.assessments.save_rating(alice, "sharing_the_vision", level)
        ids.append(coach.assessments.complete(alice).id)
    history = coach.assessments.completed(alice)
    assert [a.id for a in history] == list(reversed(ids))
    assert [a.levels["sharing_the_vision"] for a in history] == ["strong", "proficient", "essential"]
    assert [a.id for a in coach.assessments.completed(alice, limit=2)] == list(reversed(ids))[:2]


def test_restart_keeps_completed(coach, alice, db_url):
    coach.assessments.start(alice)
    coach.assessments.save_rating(alice, "inspiring_shared_purpose", "exemplary")
    done = coach.assessments.complete(alice)
    current = coach.assessments.start(alice)
    coach.assessments.save_rating(alice, "inspiring_shared_purpose", "essential")
    coach.assessments.save_rating(alice, "leading_with_care", "essential")
    fresh = coach.assessments.restart(alice)
    assert fresh.id != done.id  # (SQLite may reuse the abandoned assessment's row id)
    assert fresh.ratings == ()
    assert coach.assessments.open(alice).id == fresh.id
    history = coach.assessments.completed(alice)
    assert [a.id for a in history] == [done.id]
    assert history[0].levels == {"inspiring_shared_purpose": "exemplary"}
    # the abandoned assessment's answers are really gone
    assert _scalar(db_url, "select count(*) from coach_ratings where assessment_id = :a", a=current.id) == 0
    assert _scalar(db_url, "select count(*) from coach_assessments") == 2


def test_restart_without_open_assessment(coach, alice):
    fresh = coach.assessments.restart(alice)
    assert fresh.status == "in_progress" and fresh.ratings == ()


# --------------------------------------------------------------------------- reflections


def test_reflections(coach, alice):
    assert coach.reflections.recent(alice) == []
    assert coach.reflections.counts(alice) == {}
    first = coach.reflections.add(alice, "receiving_end", "What's it like?", "Calm, I hope", None)
    coach.reflections.add(alice, "holding_to_account_1", "Q1", "I set clearer goals", "holding_to_account")
    coach.reflections.add(alice, "holding_to_account_2", "Q2", "Feedback was one-sided", "holding_to_account")
    last = coach.reflections.add(alice, "leading_with_care_1", "Q3", "I noticed a quiet colleague", "leading_with_care")
    assert first.id < last.id and first.answer == "Calm, I hope" and first.dimension_id is None
    listed = coach.reflections.recent(alice)
    assert [r.answer for r in listed] == [
        "I noticed a quiet colleague",
        "Feedback was one-sided",
        "I set clearer goals",
        "Calm, I hope",
    ]
    assert listed[0].prompt_id == "leading_with_care_1" and listed[0].prompt_text == "Q3"
    assert [r.answer for r in coach.reflections.recent(alice, limit=2)] == ["I noticed a quiet colleague", "Feedback was one-sided"]
    assert coach.reflections.counts(alice) == {"holding_to_account": 2, "leading_with_care": 1}


def test_reflection_answer_is_capped(coach, alice):
    record = coach.reflections.add(alice, "p", "Q", "y" * (ANSWER_MAX_CHARS + 10))
    assert len(record.answer) == ANSWER_MAX_CHARS
    assert len(coach.reflections.recent(alice)[0].answer) == ANSWER_MAX_CHARS


# --------------------------------------------------------------------------- isolation and durability


def test_one_persons_data_is_invisible_to_another(coach, alice, bob):
    coach.people.record_consent(bob, False)  # Bob exists too, so his queries really run
    coach.people.record_consent(alice, True)
    coach.people.set_career_stage(alice, "senior")
    coach.assessments.start(alice)
    coach.assessments.save_rating(alice, "inspiring_shared_purpose", "strong")
    coach.assessments.save_note(alice, "inspiring_shared_purpose", "alice's note")
    coach.assessments.complete(alice)
    coach.assessments.save_rating(alice, "leading_with_care", "essential")
    coach.reflections.add(alice, "p1", "Q", "alice's reflection", "leading_with_care")

    assert coach.people.has_consent(bob) is False
    assert coach.people.career_stage(bob) is None
    assert coach.assessments.open(bob) is None
    assert coach.assessments.completed(bob) == []
    assert coach.reflections.recent(bob) == []
    assert coach.reflections.counts(bob) == {}
    assert coach.assessments.complete(bob) is None
    assert coach.assessments.save_note(bob, "leading_with_care", "bob writes") is False
    # Bob starting his own assessment does not touch Alice's
    bob_assessment = coach.assessments.start(bob)
    assert bob_assessment.ratings == ()
    assert coach.assessments.open(alice).levels == {"leading_with_care": "essential"}
    assert coach.assessments.open(alice).rating("leading_with_care").note is None
    # and the other way round
    coach.reflections.add(bob, "p2", "Q", "bob's reflection", "holding_to_account")
    coach.assessments.save_rating(bob, "holding_to_account", "strong")
    assert [r.answer for r in coach.reflections.recent(alice)] == ["alice's reflection"]
    assert coach.reflections.counts(alice) == {"leading_with_care": 1}
    assert [r.answer for r in coach.reflections.recent(bob)] == ["bob's reflection"]
    assert coach.assessments.open(alice).levels == {"leading_with_care": "essential"}
    assert len(coach.assessments.completed(alice)) == 1


def test_data_survives_a_new_store(db_url, alice):
    first = CoachStore(db_url)
    first.people.record_consent(alice, True)
    first.assessments.save_rating(alice, "developing_capability", "strong")
    first.assessments.save_note(alice, "developing_capability", "I run teaching sessions")
    first.reflections.add(alice, "developing_capability_1", "Q", "Learned a lot", "developing_capability")
    first.close()

    second = CoachStore(db_url)
    try:
        assert second.people.has_consent(alice) is True
        rating = second.assessments.open(alice).rating("developing_capability")
        assert (rating.level, rating.note) == ("strong", "I run teaching sessions")
        assert [r.answer for r in second.reflections.recent(alice)] == ["Learned a lot"]
    finally:
        second.close()


def _head() -> str:
    """The newest revision in bot/migrations (so adding a migration does not break this test)."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(Path(bot.storage.__file__).parent.parent / "migrations")).get_current_head()


def test_migration_is_idempotent(db_url, alice):
    migrate(db_url)
    s = CoachStore(db_url)
    s.people.record_consent(alice, True)
    s.close()
    migrate(db_url)
    migrate(db_url)
    engine = create_engine(db_url, future=True)
    try:
        tables = set(inspect(engine).get_table_names())
        assert COACH_TABLES <= tables
        with engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalars().all() == [_head()]
    finally:
        engine.dispose()
    again = CoachStore(db_url)
    try:
        assert again.people.has_consent(alice) is True  # migrating again did not wipe anything
    finally:
        again.close()


def test_process_wide_store_follows_the_environment(isolated_database, tmp_path, monkeypatch):
    s1 = bot.storage.get_store()
    assert s1.url == isolated_database
    assert bot.storage.get_store() is s1
    other = f"sqlite:///{tmp_path}/other/elsewhere.db"
    monkeypatch.setenv("COACH_DATABASE_URL", other)
    s2 = bot.storage.get_store()
    assert s2 is not s1 and s2.url == other
    assert (tmp_path / "other" / "elsewhere.db").exists()


def test_sqlite_file_uses_wal_and_foreign_keys(coach, alice, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite settings")
    coach.people.record_consent(alice, True)
    path = db_url.replace("sqlite:///", "", 1)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
    with coach.engine.connect() as c:
        assert c.exec_driver_sql("pragma foreign_keys").scalar() == 1
