"""The prompt context from the codex, counted with the real model's tokenizer."""

from __future__ import annotations

import pytest

from reyna_desktop.llm.base import LLMBackend
from reyna_desktop.llm.factory import shared_backend
from reyna_desktop.processors.codex_context import HEADER, codex_context, entries_in, entry_line, known_names
from reyna_desktop.sample import ensure_sample_project
from reyna_desktop.settings import Settings
from reyna_desktop.store import Store
from tests.llm.helpers import llm_settings, model_path  # noqa: F401  (fixtures)


@pytest.fixture
def tokens(llm_settings: Settings) -> LLMBackend:  # noqa: F811
    return shared_backend(llm_settings.llm)


def _sample_chapter(store: Store) -> str:
    ensure_sample_project(store)
    return next(b.id for b in store.buckets.all(type="chapter") if b.name == "Storm Warning")


def test_the_prompt_for_a_passage_names_its_entries(store: Store, tokens: LLMBackend) -> None:
    chapter = _sample_chapter(store)
    passage = "Tomas watched the water. Mara's hands were on the line; the island was a smudge."
    assert [e.name for e in entries_in(store, chapter, passage)] == ["Tomas", "Mara", "The Island"]
    block = codex_context(store, chapter, passage, tokens.count_tokens, budget_tokens=400)
    assert block.splitlines() == [
        HEADER,
        "- Tomas (character): A fisherman who tells Mara not to sail. role: Mara's friend. age: fifty.",
        "- Mara (character): The lighthouse keeper. role: the keeper. age: thirty-four. "
        "look: weathered hands, a grey oilskin.",
        "- The Island (place): Smaller than the map promised; one path, one house. kind: island.",
    ]
    assert "The Letter" not in block
    assert codex_context(store, chapter, "Nobody at all.", tokens.count_tokens) == ""
    assert {"Mara", "Tomas", "The Island", "The Letter", "letter"} <= known_names(store, chapter)


def test_the_context_keeps_to_its_token_budget(store: Store, tokens: LLMBackend) -> None:
    chapter = _sample_chapter(store)
    passage = "Mara, Tomas and the island."
    full = codex_context(store, chapter, passage, tokens.count_tokens, budget_tokens=400)
    mara, tomas, island = entries_in(store, chapter, passage)
    short = "\n".join([HEADER, entry_line(mara), entry_line(tomas), entry_line(island, full=False)])
    assert tokens.count_tokens(short) < tokens.count_tokens(full)
    trimmed = codex_context(store, chapter, passage, tokens.count_tokens, budget_tokens=tokens.count_tokens(short))
    assert trimmed == short  # the last entry shrinks to its name and description
    assert short.splitlines()[-1] == "- The Island (place): Smaller than the map promised; one path, one house."
    assert full.splitlines()[-1].endswith("kind: island.")
    assert codex_context(store, chapter, passage, tokens.count_tokens, budget_tokens=5) == ""


def test_the_expansion_prompt_context_carries_the_entries_the_draft_names(store: Store, tokens: LLMBackend) -> None:
    from reyna_desktop.processors.book_context import draft_context

    chapter = _sample_chapter(store)
    draft = store.blobs.create({"content": "Tomas watched the water. Mara said nothing at all."}, bucket_ids=[chapter])
    around = draft_context(store, draft, 1200, tokens.count_tokens)
    assert around.notes.startswith(HEADER)
    assert entry_line(next(e for e in entries_in(store, chapter, "Tomas") if e.name == "Tomas")) in around.notes
    assert "Letter" in around.codex_names.split()  # a known name, though not in the prompt
    assert "- The Letter" not in around.notes
