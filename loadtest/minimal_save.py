"""The bench's baseline for a draft save: the same work as the real save, written the plain way.

A view function with the same session and user lookup (``login_required``), the same POST fields
parsed with plain Python, validated with plain code, and through ``connection.cursor()`` the same
statements as ``questionnaire/services/answers.py``: lock the submission row, check the user is a
focal point of its country, read its answers, update them in one statement, insert the history in
one statement, bump the revision, commit, redirect. The instrument (items and their options) is
read once per process, as ``questionnaire/instrument_cache.py`` does.

If the real save stays within a small factor of this, the framework (forms, ORM, messages) costs
little on top of the work itself.
"""

import datetime
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone

from accounts.models import User
from geography.models import Country
from questionnaire.models import (
    Answer,
    AnswerChange,
    Item,
    ResponseOption,
    ResponseSet,
    Round,
    Submission,
)

FIELDS = ("option_code", "policy_name", "policy_year", "link", "citation", "comment")
MAX_LENGTHS = {"policy_name": 500, "link": 1000, "citation": 1000, "comment": 2000}
EARLIEST_YEAR = 1800

_instrument: dict[int, dict[str, frozenset]] = {}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _options_by_item_id(cursor, version_id: int) -> dict[int, frozenset]:
    if version_id not in _instrument:
        cursor.execute(
            f"SELECT i.id, o.code FROM {_table(Item)} i "
            f"JOIN {_table(ResponseOption)} o ON o.response_set_id = i.response_set_id "
            f"JOIN {_table(ResponseSet)} rs ON rs.id = i.response_set_id "
            "WHERE i.version_id = %s",
            [version_id],
        )
        options: dict[int, set] = {}
        for item_id, code in cursor.fetchall():
            options.setdefault(item_id, set()).add(code)
        _instrument[version_id] = {k: frozenset(v) for k, v in options.items()}
    return _instrument[version_id]


def _valid(name: str, value: str, options: frozenset):
    """The value to store, or raises ValueError."""
    if name == "option_code":
        if value and value not in options:
            raise ValueError(name)
        return value
    if name == "policy_year":
        if not value:
            return None
        year = int(value)
        if not EARLIEST_YEAR <= year <= datetime.date.today().year + 1:
            raise ValueError(name)
        return year
    if len(value) > MAX_LENGTHS[name]:
        raise ValueError(name)
    if name == "link" and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(name)
    return value


@login_required
def minimal_draft_save(request, round_code: str, iso3: str):
    post = request.POST
    general_comment = post.get("general_comment")
    if (
        post.get("action") != "save"
        or general_comment is None
        or len(general_comment) > 5000
        or post.get("round") != round_code
        or post.get("country") != iso3
    ):
        return HttpResponse("refused", status=400)
    submission_id, base_revision = int(post["submission"]), int(post["revision"])
    lock = " FOR UPDATE OF s" if connection.vendor == "postgresql" else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.revision, s.state, s.general_comment, s.country_id, r.state, r.opens_on, "
            f"r.closes_on, r.version_id FROM {_table(Submission)} s "
            f"JOIN {_table(Round)} r ON r.id = s.round_id "
            f"JOIN {_table(Country)} c ON c.id = s.country_id "
            f"WHERE s.id = %s AND r.code = %s AND c.iso3 = %s{lock}",
            [submission_id, round_code, iso3],
        )
        row = cursor.fetchone()
        if row is None:
            return HttpResponse("not found", status=404)
        revision, state, old_comment, country_id, round_state, opens, closes, version_id = row
        cursor.execute(
            f"SELECT 1 FROM {_table(User.countries.through)} WHERE user_id = %s AND country_id = %s",
            [request.user.pk, country_id],
        )
        today = timezone.localdate()
        if (
            cursor.fetchone() is None
            or state != "draft"
            or round_state != "open"
            or not (opens <= today <= closes)
        ):
            return HttpResponse("refused", status=403)
        if revision != base_revision:
            return HttpResponse("stale", status=409)
        options = _options_by_item_id(cursor, version_id)
        cursor.execute(
            "SELECT a.id, a.item_id, i.code, a.option_code, a.policy_name, a.policy_year, a.link, "
            f"a.citation, a.comment FROM {_table(Answer)} a JOIN {_table(Item)} i "
            "ON i.id = a.item_id WHERE a.submission_id = %s",
            [submission_id],
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        user_id, new_revision = request.user.pk, revision + 1
        rows, history = [], []
        for answer_id, item_id, code, *stored in cursor.fetchall():
            if f"{code}-policy_name" not in post:
                continue
            try:
                entered = [_valid(n, post.get(f"{code}-{n}", ""), options[item_id]) for n in FIELDS]
            except ValueError:
                return HttpResponse("invalid", status=400)
            changed = [
                i for i, (old, new) in enumerate(zip(stored, entered, strict=True)) if old != new
            ]
            if not changed:
                continue
            rows.append([answer_id, *entered, user_id, now])
            for i in changed:
                old, new = stored[i], entered[i]
                history.append(
                    (submission_id, item_id, new_revision, FIELDS[i], _text(old), _text(new))
                )
        if general_comment != old_comment:
            history.append(
                (submission_id, None, new_revision, "general_comment", old_comment, general_comment)
            )
        if rows:
            _update_answers(cursor, rows)
        if history:
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(history))
            cursor.execute(
                f"INSERT INTO {_table(AnswerChange)} (submission_id, item_id, revision, field, "
                f"old_value, new_value, changed_by_id, changed_at) VALUES {values}",
                [value for change in history for value in (*change, user_id, now)],
            )
            cursor.execute(
                f"UPDATE {_table(Submission)} SET revision = %s, general_comment = %s, "
                "updated_by_id = %s, updated_at = %s WHERE id = %s",
                [new_revision, general_comment, user_id, now, submission_id],
            )
    return HttpResponseRedirect(f"/rounds/{round_code}/countries/{iso3}/questionnaire/")


def _text(value) -> str:
    return "" if value is None else str(value)


_TYPES = ("bigint", "varchar", "varchar", "integer", "varchar", "varchar", "text", "bigint")


def _update_answers(cursor, rows: list[list]) -> None:
    columns = "id, option_code, policy_name, policy_year, link, citation, comment, updated_by_id, updated_at"
    assignments = ", ".join(f"{c} = v.{c}" for c in columns.split(", ")[1:])
    if connection.vendor == "postgresql":
        placeholder = "(" + ", ".join(f"%s::{t}" for t in _TYPES) + ", %s::timestamptz)"
        sql = (
            f"UPDATE {_table(Answer)} SET {assignments} FROM (VALUES "
            f"{', '.join([placeholder] * len(rows))}) AS v({columns}) "
            f"WHERE {_table(Answer)}.id = v.id"
        )
    else:
        placeholder = "(" + ", ".join(["%s"] * 9) + ")"
        sql = (
            f"WITH v({columns}) AS (VALUES {', '.join([placeholder] * len(rows))}) "
            f"UPDATE {_table(Answer)} SET {assignments} FROM v WHERE {_table(Answer)}.id = v.id"
        )
    cursor.execute(sql, [value for row in rows for value in row])
