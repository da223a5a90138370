"""Text expansion keeps the draft and adds nothing from the prompt (the real default model).

Issue 9's "Must show": every draft sentence present in order, no prompt label and no
example sentence in an expansion, no invented proper name, and every style offered expands.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reyna_desktop.processors import expansion_checks as checks
from reyna_desktop.processors.expansion_styles import STYLE_IDS, STYLES
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.processors.text_chunks import sentences
from reyna_desktop.processors.text_expansion import SAMPLES, TextExpansion
from reyna_desktop.store import Store
from tests.llm.helpers import llm_settings, model_path, runner

__all__ = ["llm_settings", "model_path", "runner"]  # fixtures used by name

CHAPTER = (
    "The bottle washed up at dawn, green glass crusted with salt. Mara found it below the harbour wall.\n\n"
    "Inside was a letter addressed to her mother, who had been dead for ten years. The ink had run but the "
    "name was clear."
)
NOTES = "Mara: the lighthouse keeper's daughter. Her mother, Ilse, drowned ten years ago. Place: Port Avel."
DRAFT = ("The bottle washed up at dawn. Inside was a letter addressed to her mother. "
         "Mara read it on the harbour wall.")


def book_draft(store: Store, draft: str = DRAFT) -> str:
    book = store.buckets.create("The Keeper", "book")
    chapter = store.buckets.create("A Letter From the Sea", "chapter", parent_id=book.id)
    notes = store.buckets.create("Characters", "characters", parent_id=book.id)
    store.blobs.create({"content": CHAPTER}, bucket_ids=[chapter.id], title="Chapter text")
    store.blobs.create({"content": NOTES}, bucket_ids=[notes.id], title="Notes")
    return store.blobs.create({"content": draft}, bucket_ids=[chapter.id], title="Draft").id


def in_order(parts: list[str], text: str) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


@pytest.mark.slow
def test_expansion_keeps_every_draft_sentence_in_order_and_leaks_nothing(store: Store, runner: JobRunner) -> None:
    blob_id = book_draft(store)
    job = runner.wait(runner.submit("text-expansion", {"blob_id": blob_id}, {"candidates": 2}).id, 300)
    assert job.state == "succeeded", job.error
    data = store.blobs.data(job.result_blob_id or "")
    expanded = data["expanded"]
    assert in_order(sentences(DRAFT), expanded), expanded
    assert data["expansion_ratio"] > 1.5, expanded
    assert not checks.has_label(expanded), expanded
    assert not checks.copied_from(expanded, SAMPLES, allowed=DRAFT), expanded
    known = checks.known_words(DRAFT, CHAPTER, NOTES, "The Keeper", "A Letter From the Sea")
    assert checks.new_names(expanded, known) == [], expanded
    assert "bus" not in expanded.lower().split()  # the old prompt's example (a missed bus) is gone


@pytest.mark.slow
@pytest.mark.parametrize("style_id", STYLE_IDS)
def test_every_offered_style_expands(store: Store, runner: JobRunner, style_id: str) -> None:
    blob_id = book_draft(store, "The bottle washed up at dawn. Inside was a letter addressed to her mother.")
    params = {"style": style_id, "candidates": 1, "ratio": 2.0}
    job = runner.wait(runner.submit("text-expansion", {"blob_id": blob_id}, params).id, 300)
    assert job.state == "succeeded", job.error
    data = store.blobs.data(job.result_blob_id or "")
    assert data["style"] == style_id and data["expansion_ratio"] > 1.0


def test_styles_are_declared_once_and_the_output_schema_lists_them() -> None:
    assert TextExpansion.styles == STYLES and len(set(STYLE_IDS)) == len(STYLE_IDS)
    schema = json.loads((Path(__file__).parents[2] / "schemas" / "expanded-text-v1.json").read_text())
    assert schema["properties"]["style"]["enum"] == list(STYLE_IDS)


def test_the_checks_catch_labels_copies_new_names_and_repeats() -> None:
    assert checks.has_label("He left.\nPassage: She stayed.") and not checks.has_label("He passed: the end.")
    assert checks.copied_from("Then the kettle rattled on the stove while the wind blew.", SAMPLES)
    assert not checks.copied_from("The kettle rattled.", SAMPLES)
    known = checks.known_words("Mara met Ilse at the harbour.")
    assert checks.new_names("Then Mara smiled at Ilse’s boat. She saw Tom and Mr. Grey.", known) == ["Tom", "Grey"]
    assert checks.trigram_repeats("the boat came in and the boat came in") == 2 / 7
    assert checks.trigram_repeats("a new line here", "an old line there") == 0.0
