"""What the model may know about a draft's surroundings: its chapter and the book's notes.

A draft lives in a chapter bucket (its primary bucket). The chapter's other texts give the
neighbourhood (the paragraphs sharing most words with the draft, in their order, within a
token budget); the buckets of type characters, notes and research anywhere in the book give
the notes, after the codex entries the draft names (processors/codex_context.py). Both go
into the expansion's prompt, and every word in them, like every name and alias in the book's
codex, is a name the model may use (expansion_checks.new_names).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reyna_desktop.models import Blob
from reyna_desktop.processors.codex_context import codex_context, known_names
from reyna_desktop.processors.expansion_checks import content_stems
from reyna_desktop.processors.language import prompt_language
from reyna_desktop.processors.prompt_texts import texts_for
from reyna_desktop.processors.sources import TEXT_SCHEMAS
from reyna_desktop.processors.text_chunks import paragraphs

if TYPE_CHECKING:
    from reyna_desktop.store import Store

NOTE_BUCKET_TYPES = frozenset({"characters", "notes", "research"})


@dataclass
class DraftContext:
    book_title: str = ""
    chapter_title: str = ""
    chapter_text: str = ""  # every paragraph of the chapter's other texts (for the names rule)
    neighbourhood: str = ""  # the paragraphs that fit the prompt
    notes: str = ""
    language: str = ""
    codex_names: str = ""  # every codex name and alias of the book, for the names rule (not the prompt)


def draft_context(store: Store, blob: Blob, budget: int, count: Callable[[str], int]) -> DraftContext:
    """The draft's chapter and book notes; the neighbourhood and notes are cut to `budget` tokens together."""
    bucket_id = blob.primary_bucket_id or (blob.bucket_ids[0] if blob.bucket_ids else None)
    if bucket_id is None:
        return DraftContext()
    chapter = store.buckets.get(bucket_id)
    lineage = [*store.buckets.ancestors(chapter.id), chapter]
    book = next((b for b in reversed(lineage) if b.type == "book"), None)
    own = {blob.id, *(b.id for b in store.blobs.derived(blob.id))}
    texts = [store.blobs.text(b.id) for b in store.blobs.in_bucket(chapter.id, schema_ids=list(TEXT_SCHEMAS))
             if b.id not in own and b.parent_id is None]
    chapter_paragraphs = [p for text in texts for p in paragraphs(text)]
    draft = store.blobs.text(blob.id)
    language = str(book.metadata.get("language", "")) if book else ""
    codex = codex_context(store, chapter.id, draft, count, budget_tokens=budget // 6,
                          header=texts_for(prompt_language(language, draft)).codex_header)
    notes = _notes(store, book.id) if book is not None else ""
    notes = "\n".join(part for part in (codex, _cut(notes, budget // 3 - count(codex), count)) if part)
    room = budget - count(notes)
    return DraftContext(
        book_title=book.name if book else "", chapter_title=chapter.name,
        chapter_text="\n\n".join(chapter_paragraphs),
        neighbourhood="\n\n".join(closest_paragraphs(chapter_paragraphs, draft, room, count)),
        notes=notes, language=language,
        codex_names=" ".join(sorted(known_names(store, chapter.id))),
    )


def closest_paragraphs(found: list[str], draft: str, budget: int, count: Callable[[str], int]) -> list[str]:
    """The paragraphs sharing most content words with the draft, kept in their order, within `budget` tokens."""
    wanted = content_stems(draft)
    ranked = sorted(range(len(found)), key=lambda i: -len(content_stems(found[i]) & wanted))
    chosen: list[int] = []
    used = 0
    for index in ranked:
        size = count(found[index])
        if used + size <= budget:
            chosen.append(index)
            used += size
    return [found[i] for i in sorted(chosen)]


def _notes(store: Store, book_id: str) -> str:
    out: list[str] = []
    for bucket in store.buckets.descendants(book_id):
        if bucket.type in NOTE_BUCKET_TYPES:
            out.extend(store.blobs.text(b.id).strip() for b in store.blobs.in_bucket(bucket.id))
    return "\n".join(t for t in out if t)


def _cut(text: str, budget: int, count: Callable[[str], int]) -> str:
    """The text's first lines that fit `budget` tokens."""
    kept: list[str] = []
    for line in text.splitlines():
        if count("\n".join([*kept, line])) > budget:
            break
        kept.append(line)
    return "\n".join(kept)
