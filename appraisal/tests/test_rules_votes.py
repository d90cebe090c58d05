"""Vote thresholds (the 2011 rule): a per-cycle setting, off by default in every version."""

from __future__ import annotations

from fractions import Fraction

import pytest

from appraisal.rules import Level, VoteThresholds, get_rule_set

ALL_CODES = ["hd21-2019", "hd25-2023", "hd43-2025"]


def with_thresholds(code: str):
    return get_rule_set(code, vote_thresholds=VoteThresholds())


def test_the_default_thresholds_are_two_thirds_for_excellent_and_half_for_good():
    assert VoteThresholds() == VoteThresholds(excellent=Fraction(2, 3), good=Fraction(1, 2))


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize("level", list(Level))
def test_with_thresholds_off_any_tally_allows_any_level(code, level):
    assert get_rule_set(code).votes_allow(level, votes_for=0, official_members=19)


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize(
    "votes_for, official, allowed",
    [(6, 9, True), (5, 9, False), (14, 21, True), (13, 21, False), (19, 19, True)],
)
def test_excellent_needs_at_least_two_thirds_of_the_official_members(code, votes_for, official, allowed):
    assert with_thresholds(code).votes_allow(Level.EXCELLENT, votes_for, official) is allowed


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize(
    "votes_for, official, allowed",
    [(6, 10, True), (5, 10, False), (5, 9, True), (4, 9, False)],
)
def test_good_needs_more_than_half_of_the_official_members(code, votes_for, official, allowed):
    assert with_thresholds(code).votes_allow(Level.GOOD, votes_for, official) is allowed


@pytest.mark.parametrize("code", ALL_CODES)
@pytest.mark.parametrize("level", [Level.COMPLETED, Level.NOT_COMPLETED])
def test_thresholds_do_not_apply_to_completed_or_not_completed(code, level):
    assert with_thresholds(code).votes_allow(level, 0, 10)


def test_a_cycle_may_set_its_own_thresholds():
    rules = get_rule_set("hd25-2023", vote_thresholds={"excellent": "3/4"})
    assert not rules.votes_allow(Level.EXCELLENT, 14, 19)
    assert rules.votes_allow(Level.EXCELLENT, 15, 19)


@pytest.mark.parametrize(
    "votes_for, official",
    [(20, 19), (-1, 19), (0, 0)],
)
def test_an_impossible_tally_is_refused(votes_for, official):
    with pytest.raises(ValueError):
        get_rule_set("hd21-2019").votes_allow(Level.GOOD, votes_for, official)


@pytest.mark.parametrize("share", [Fraction(0), Fraction(3, 2)])
def test_a_threshold_outside_0_to_1_is_refused(share):
    with pytest.raises(ValueError, match="Ngưỡng biểu quyết"):
        VoteThresholds(excellent=share)
