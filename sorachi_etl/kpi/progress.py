"""Progress rates (進捗率) and half-up rounding.

Rates are computed with Decimal from values at their published precision and
rounded half-up to one decimal: Python's round() rounds half to even, which
would print 81.35 as 81.4 but 81.25 as 81.2.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sorachi_etl.model.names import DIRECTION_LOWER, RULE_IMPROVEMENT

RATE_DECIMALS = 1


def to_decimal(value: float | int | Decimal | str) -> Decimal:
    """A float as the decimal it prints as (0.1 -> Decimal('0.1'), not 0.1000000000000000055…)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_half_up(value: float | int | Decimal | str, decimals: int) -> Decimal:
    """Round half-up: round_half_up(81.25, 1) == Decimal('81.3')."""
    quantum = Decimal(1).scaleb(-decimals)
    return to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def progress_rate(
    actual: float | Decimal | None,
    target: float | Decimal | None,
    *,
    base: float | Decimal | None = None,
    direction: str | None = None,
    rule: str | None = None,
) -> Decimal | None:
    """Progress rate in percent, half-up to one decimal; None (shown —) when it cannot be computed.

    - default: actual / target × 100
    - lower is better (direction 低下): target / actual × 100
    - improvement rule (改善幅): (actual − base) / (target − base) × 100
    None when actual or target is missing, a divisor is zero, or the
    improvement rule has target equal to base.
    """
    if actual is None or target is None:
        return None
    a, t = to_decimal(actual), to_decimal(target)
    try:
        if rule == RULE_IMPROVEMENT:
            if base is None:
                return None
            b = to_decimal(base)
            if t == b:
                return None
            rate = (a - b) / (t - b) * 100
        elif direction == DIRECTION_LOWER:
            if a == 0:
                return None
            rate = t / a * 100
        else:
            if t == 0:
                return None
            rate = a / t * 100
    except InvalidOperation:
        return None
    return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
