from decimal import Decimal

import pytest

from sorachi_etl.kpi.progress import progress_rate, round_half_up


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (81.25, 1, "81.3"),
        (81.35, 1, "81.4"),
        (0.05, 1, "0.1"),
        (2.675, 2, "2.68"),
        (1159.55, 1, "1159.6"),
        (7487.5, 0, "7488"),
        (7486.5, 0, "7487"),
        (-0.05, 1, "-0.1"),
    ],
)
def test_round_half_up(value, decimals, expected):
    # round() would give 81.2, 2.67, 7486 for some of these
    assert round_half_up(value, decimals) == Decimal(expected)


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (113500, 113600, "99.9"),
        (52.0, 63.9, "81.4"),
        (20120, 14500, "138.8"),
        (20, 22, "90.9"),
        (7468, 7468, "100.0"),
        (0, 10, "0.0"),
    ],
)
def test_ratio_rule_reproduces_the_report(actual, target, expected):
    assert progress_rate(actual, target) == Decimal(expected)


def test_half_up_at_the_boundary():
    # 16.25 / 50 = 32.5 % exactly; 1.625 / 10 = 16.25 % -> 16.3 (half-even would give 16.2)
    assert progress_rate(1.625, 10) == Decimal("16.3")
    assert progress_rate(8.125, 50) == Decimal("16.3")


def test_lower_is_better_uses_target_over_actual():
    assert progress_rate(120, 100, direction="低下") == Decimal("83.3")
    assert progress_rate(80, 100, direction="低下") == Decimal("125.0")


def test_improvement_rule():
    assert progress_rate(70, 80, base=60, rule="改善幅") == Decimal("50.0")
    # target equal to base: no meaningful rate
    assert progress_rate(70, 60, base=60, rule="改善幅") is None


@pytest.mark.parametrize(("actual", "target"), [(None, 10), (10, None), (10, 0)])
def test_missing_or_zero_gives_no_rate(actual, target):
    assert progress_rate(actual, target) is None


def test_lower_is_better_with_zero_actual_gives_no_rate():
    assert progress_rate(0, 10, direction="低下") is None
