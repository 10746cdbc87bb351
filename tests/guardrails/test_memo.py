from guardrails.memo import TextMemo


class Owner:
    """A rule object: compared by identity, like a loaded lexicon."""


def test_a_text_is_read_once_per_owner() -> None:
    memo = TextMemo[int]()
    calls: list[str] = []
    owner = Owner()

    def read() -> int:
        calls.append("read")
        return len(calls)

    assert memo.get((owner,), "a claim", read) == 1
    assert memo.get((owner,), "a claim", read) == 1
    assert memo.get((Owner(),), "a claim", read) == 2  # another rule set reads afresh
    assert memo.get((owner,), "another claim", read) == 3


def test_the_memo_is_bounded() -> None:
    memo = TextMemo[str](limit=2)
    owner = Owner()
    for text in ("a", "b", "c"):
        memo.get((owner,), text, lambda t=text: t.upper())  # type: ignore[misc]
    assert len(memo._read) <= 2
    assert memo.get((owner,), "a", lambda: "again") == "again"  # forgotten, read again
