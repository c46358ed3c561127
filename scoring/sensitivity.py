"""How far a country's overall category is from the next one up and the next one down: the
smallest set of answers that would move it, under any methodology (pure: no Django).

Each step changes the one answer that moves the overall score most in the wanted direction (an
answer up to its option of highest value, or down to its lowest). Under rules where every answer
adds to the score on its own (the official ones, and any variant counting unanswered items as 0),
taking the largest moves first gives the fewest changes; under a variant that leaves unanswered
items out of the mean it is a close, not a proven, minimum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.engine import (
    CATEGORIES,
    IMPUTE_ZERO,
    OFFICIAL,
    Category,
    Methodology,
    category_for_score,
    compute_score,
    normalise_answers,
)

UP, DOWN = "up", "down"


@dataclass(frozen=True)
class AnswerShift:
    item_code: str
    was: str | None  # an option code, or None when unanswered
    becomes: str


@dataclass(frozen=True)
class Distance:
    direction: str  # UP or DOWN
    category: Category  # the category reached
    shifts: tuple[AnswerShift, ...]

    @property
    def count(self) -> int:
        return len(self.shifts)


@dataclass(frozen=True)
class Sensitivity:
    category: Category
    up: Distance | None  # None in the top category
    down: Distance | None  # None in the bottom category


def sensitivity(
    answers: Mapping[str, str | None], methodology: Methodology = OFFICIAL
) -> Sensitivity:
    current = dict(normalise_answers(answers, methodology))
    category = compute_score(current, methodology).overall.category
    return Sensitivity(
        category=category,
        up=_distance(current, methodology, category, UP),
        down=_distance(current, methodology, category, DOWN),
    )


def _distance(answers, methodology, category: Category, direction: str) -> Distance | None:
    step = 1 if direction == UP else -1
    target = category.code + step
    if not 1 <= target <= len(CATEGORIES):
        return None
    if methodology.imputation == IMPUTE_ZERO:
        return _linear_distance(answers, methodology, target, direction)
    return _greedy_distance(answers, methodology, target, direction)


def _best_option(rule, direction: str) -> str:
    values = rule.option_values
    return (max if direction == UP else min)(values, key=lambda code: (values[code], code))


def _linear_distance(answers, methodology, target: int, direction: str) -> Distance | None:
    """When every item counts in its domain's mean, each change moves the overall score by its
    own amount: the largest moves, in that order, are the fewest that reach the target."""
    step = 1 if direction == UP else -1
    total_weight = sum(rule.weight for rule in methodology.domains)
    moves = []
    for rule in methodology.domains:
        extreme = _best_option(rule, direction)
        share = rule.weight * 100 / (total_weight * len(rule.item_codes))
        for code in rule.item_codes:
            now = answers[code]
            before = rule.option_values[now] if now is not None else 0
            gain = (rule.option_values[extreme] - before) * share * step
            if gain > 0 and now != extreme:
                moves.append((gain, code, extreme))
    moves.sort(key=lambda move: -move[0])  # stable: equal moves keep the instrument's order
    score = compute_score(answers, methodology).overall.score
    shifts: list[AnswerShift] = []
    for gain, code, option in moves:
        score += gain * step
        shifts.append(AnswerShift(code, answers[code], option))
        reached = category_for_score(score, methodology.thresholds)
        if (reached.code - target) * step >= 0:
            return Distance(direction, reached, tuple(shifts))
    return None


def _greedy_distance(answers, methodology, target: int, direction: str) -> Distance | None:
    step = 1 if direction == UP else -1
    working = dict(answers)
    shifts: list[AnswerShift] = []
    while True:
        result = compute_score(working, methodology)
        reached = result.overall.category
        if (reached.code - target) * step >= 0:
            return Distance(direction, reached, tuple(shifts))
        best = None
        for rule in methodology.domains:
            extreme = _best_option(rule, direction)
            for code in rule.item_codes:
                now = working[code]
                if now == extreme or (direction == DOWN and now is None):
                    continue
                trial = {**working, code: extreme}
                score = compute_score(trial, methodology).overall.score
                gain = (score - result.overall.score) * step
                if gain > 0 and (best is None or gain > best[0]):
                    best = (gain, code, extreme)
        if best is None:
            return None  # nothing left to change moves the score that way
        _gain, code, option = best
        shifts.append(AnswerShift(code, answers[code], option))
        working[code] = option
