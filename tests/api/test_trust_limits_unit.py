"""The rate limiter's parts with a fake clock: parsing, token buckets, Retry-After, pruning."""

from __future__ import annotations

import pytest

from meedenken.api.http.limits import RateLimiter, TokenBucket
from meedenken.api.settings import RateLimit, parse_limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("text", "rate", "burst"), [
    ("2/s burst 20", 2.0, 20), ("30/min", 0.5, 30), ("10/10min", 1 / 60, 10),
    ("100/h", 100 / 3600, 100), (" 5 / 2s  burst 7 ", 2.5, 7), ("0.5/s", 0.5, 1),
])
def test_parse_limit(text: str, rate: float, burst: int) -> None:
    assert parse_limit(text) == RateLimit(pytest.approx(rate), burst)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "2", "2/fortnight", "-1/s", "0/s burst 3", "2/s burst 0",
                                  "two/s"])
def test_parse_limit_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        parse_limit(text)


def test_off_means_no_limit() -> None:
    assert parse_limit("off") is None and parse_limit("OFF") is None


def test_bucket_allows_the_burst_then_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(RateLimit(rate=2.0, burst=3), clock)
    assert [bucket.take(b"a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(b"a") == pytest.approx(0.5)  # next token in 1 / rate seconds
    assert bucket.take(b"b") == 0.0  # keys are independent
    clock.now += 0.5
    assert bucket.take(b"a") == 0.0
    assert bucket.take(b"a") > 0
    clock.now += 100  # refills, but never above the burst
    assert [bucket.take(b"a") for _ in range(4)][-1] > 0


def test_idle_buckets_are_pruned() -> None:
    clock = Clock()
    bucket = TokenBucket(RateLimit(rate=1.0, burst=2), clock)
    for i in range(1000):
        bucket.take(str(i).encode())
    assert len(bucket) == 1000
    clock.now += 120  # past the prune interval and full again
    bucket.take(b"new")
    assert len(bucket) == 1


def test_limiter_checks_participant_before_address_and_hashes_keys() -> None:
    clock = Clock()
    limiter = RateLimiter({("votes", "participant"): RateLimit(1.0, 1),
                           ("votes", "address"): RateLimit(1.0, 2),
                           ("joins", "address"): None}, clock)
    assert limiter.check("votes", "t1", "10.0.0.1") == 0.0
    assert limiter.check("votes", "t1", "10.0.0.1") > 0  # participant refused: address unspent
    assert limiter.check("votes", "t2", "10.0.0.1") == 0.0
    assert limiter.check("votes", "t3", "10.0.0.1") > 0  # address spent
    assert limiter.check("joins", None, "10.0.0.1") == 0.0  # no limit configured
    keys = [k for b in limiter.buckets.values() for k in b._buckets]
    assert all(b"10.0.0.1" not in k and b"t1" not in k for k in keys)
