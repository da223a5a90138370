"""Map-reduce summarising, so a text of any length fits a small context.

Map: the text is cut into chunks that fit the prompt (text_chunks.chunk_text) and each is
summarised. Reduce: the summaries are packed into groups that fit and summarised again, round
after round, until one summary is left. With a 2,048-token context a chunk is about 1,200
tokens, so a 100,000-word book is about 110 map calls and two or three reduce rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from reyna_desktop.processors.base import JobContext
from reyna_desktop.processors.text_chunks import chunk_text, pack

Summarise = Callable[[str, int], str]  # (text, max_tokens) -> summary


@dataclass
class MapReduceResult:
    summary: str
    chunk_summaries: list[str] = field(default_factory=list)
    rounds: int = 0


def map_reduce(
    ctx: JobContext, text: str, summarise: Summarise, *, prompt_overhead: int, map_tokens: int, final_tokens: int,
    chunk_tokens: int | None = None,
) -> MapReduceResult:
    """Summarise `text`; `prompt_overhead` is the prompt's size without the text."""
    llm = ctx.llm
    room = llm.n_ctx - prompt_overhead - max(map_tokens, final_tokens) - 16
    budget = max(16, min(room, chunk_tokens or room))
    chunks = chunk_text(text, budget, llm.count_tokens)
    total_calls = _estimate_calls(len(chunks), budget, map_tokens)
    done = 0

    def step(piece: str, tokens: int) -> str:
        nonlocal done
        summary = summarise(piece, tokens)
        done += 1
        ctx.progress(min(0.99, done / total_calls))
        return summary

    if len(chunks) == 1:
        return MapReduceResult(step(chunks[0], final_tokens), [], 0)
    summaries = [step(chunk, map_tokens) for chunk in chunks]
    first_round = list(summaries)
    rounds = 0
    while len(summaries) > 1:
        rounds += 1
        groups = pack(summaries, budget, llm.count_tokens, joiner=" ")
        if len(groups) == 1:
            return MapReduceResult(step(groups[0], final_tokens), first_round, rounds)
        summaries = [step(group, map_tokens) for group in groups]
    return MapReduceResult(summaries[0], first_round, rounds)


def _estimate_calls(chunks: int, budget: int, map_tokens: int) -> int:
    calls, level = chunks, chunks
    per_group = max(2, budget // max(1, map_tokens))
    while level > 1:
        level = -(-level // per_group)
        calls += level
    return max(1, calls)
