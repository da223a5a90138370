"""Fitting a prompt into the model's context window.

The rule, for a prompt longer than the room left after the answer's tokens:
keep the start of the prompt (a quarter of the room: the instructions and examples) and the
end (the rest of the room: the text being answered and the cue), and put " […] " where the
middle was cut. Cuts fall on whitespace. For chat messages the system message and the newest
message are kept, the oldest others are dropped first, and only then is text cut by that rule.
"""

from __future__ import annotations

from collections.abc import Callable

CountTokens = Callable[[str], int]
HEAD_SHARE = 0.25
CUT_MARK = " […] "
MIN_BUDGET = 16


def fit_prompt(prompt: str, budget: int, count_tokens: CountTokens) -> tuple[str, bool]:
    """The prompt cut to at most `budget` tokens by the rule above, and whether it was cut."""
    budget = max(budget, MIN_BUDGET)
    total = count_tokens(prompt)
    if total <= budget:
        return prompt, False
    keep = len(prompt) * budget / total * 0.95
    candidate = prompt
    for _ in range(12):
        candidate = _cut_middle(prompt, int(keep))
        used = count_tokens(candidate)
        if used <= budget:
            return candidate, True
        keep *= budget / used * 0.9
    return candidate[-budget:], True


def _cut_middle(text: str, keep_chars: int) -> str:
    head_chars = int(keep_chars * HEAD_SHARE)
    tail_chars = max(0, keep_chars - head_chars - len(CUT_MARK))
    head = text[:head_chars]
    if " " in head:
        head = head[: head.rfind(" ")]
    tail = text[len(text) - tail_chars:] if tail_chars else ""
    if " " in tail[:40]:
        tail = tail[tail.find(" ") + 1:]
    return head + CUT_MARK + tail


def fit_messages(
    messages: list[dict[str, str]], budget: int, count_tokens: CountTokens
) -> tuple[list[dict[str, str]], bool]:
    """Messages that fit in `budget` tokens, by the rule in this module's docstring."""
    budget = max(budget, MIN_BUDGET)

    def size(items: list[dict[str, str]]) -> int:
        return sum(count_tokens(m.get("content", "")) for m in items)

    if size(messages) <= budget:
        return messages, False
    head = [m for m in messages[:1] if m.get("role") == "system"]
    middle = messages[len(head):-1]
    last = messages[-1:]
    while middle and size(head + middle + last) > budget:
        middle = middle[1:]
    kept = head + middle + last
    if size(kept) <= budget:
        return kept, True
    # The system message and the question alone are too long: cut both, the question less.
    system_room = budget // 4 if head else 0
    out = []
    if head:
        content, _ = fit_prompt(head[0]["content"], system_room, count_tokens)
        out.append({**head[0], "content": content})
    question, _ = fit_prompt(last[0]["content"], budget - system_room, count_tokens)
    out.append({**last[0], "content": question})
    return out, True
