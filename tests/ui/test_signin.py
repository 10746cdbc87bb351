"""The back-off on failed sign-ins, on an injected clock."""

from __future__ import annotations

import pytest

from ui.signin import SignInBackoff


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def wrong() -> bool:
    return False


def right() -> bool:
    return True


def test_each_failure_doubles_the_lock_out_up_to_the_limit(clock: Clock) -> None:
    backoff = SignInBackoff(1.0, 8.0, clock=clock)
    lockouts = []
    for _ in range(6):
        attempt = backoff.attempt("a", wrong)
        assert attempt.checked and not attempt.ok
        lockouts.append(attempt.retry_after)
        clock.now += attempt.retry_after
    assert lockouts == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_a_locked_out_client_is_refused_without_checking_even_the_right_password(
    clock: Clock,
) -> None:
    backoff = SignInBackoff(1.0, 60.0, clock=clock)
    backoff.attempt("a", wrong)
    backoff.attempt("a", right)  # refused at t=0, not counted
    clock.now = 0.4

    def must_not_run() -> bool:
        raise AssertionError("checked during a lock-out")

    refused = backoff.attempt("a", must_not_run)
    assert (refused.ok, refused.checked) == (False, False)
    assert refused.retry_after == pytest.approx(0.6)
    clock.now = 1.0
    assert backoff.attempt("a", right).ok


def test_a_success_clears_the_record(clock: Clock) -> None:
    backoff = SignInBackoff(1.0, 60.0, clock=clock)
    for _ in range(3):
        clock.now += backoff.attempt("a", wrong).retry_after
    assert backoff.attempt("a", right) == backoff.attempt("a", right)
    assert backoff.attempt("a", wrong).retry_after == 1.0


def test_clients_are_locked_out_separately(clock: Clock) -> None:
    backoff = SignInBackoff(1.0, 60.0, clock=clock)
    backoff.attempt("attacker", wrong)
    assert backoff.attempt("editor", right).ok
    assert not backoff.attempt("attacker", right).checked


def test_old_failures_are_forgotten(clock: Clock) -> None:
    backoff = SignInBackoff(1.0, 60.0, clock=clock, forget_after_s=100.0)
    for _ in range(4):
        clock.now += backoff.attempt("a", wrong).retry_after
    clock.now += 101.0
    assert backoff.attempt("a", wrong).retry_after == 1.0


def test_records_are_bounded(clock: Clock) -> None:
    backoff = SignInBackoff(1.0, 60.0, clock=clock, max_clients=3)
    for client in ["a", "b", "c", "d"]:
        backoff.attempt(client, wrong)
    assert backoff.attempt("a", right).ok  # the oldest record was dropped
    assert not backoff.attempt("d", right).checked


def test_a_hundred_guesses_take_hours_with_the_default_settings(clock: Clock) -> None:
    backoff = SignInBackoff(1.0, 300.0, clock=clock)
    guesses = 0
    while guesses < 100:
        attempt = backoff.attempt("a", wrong)
        guesses += attempt.checked
        if guesses < 100:
            clock.now += attempt.retry_after  # the attacker retries the moment it may
    assert clock.now > 7 * 3600
