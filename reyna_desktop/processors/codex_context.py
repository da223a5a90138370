"""What the model should know about a passage: the codex entries it names, for a prompt.

`codex_context(store, bucket_id, passage, count_tokens)` finds the entries of the book
(the top-level bucket above `bucket_id`) whose names or aliases occur in the passage, in the
order they first occur, and writes one line for each, as much as fits the token budget: the
whole entry while it fits, else its name and short description, else nothing more. The
expansion and chat prompts put it before the passage; `known_names` gives the names a
new-name check should accept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reyna_desktop.store.codex import Entry, book_id_of

if TYPE_CHECKING:
    from reyna_desktop.store import Store

DEFAULT_BUDGET_TOKENS = 300
HEADER = "Characters, places and things in this passage (from the author's notes):"


def entries_in(store: Store, bucket_id: str, passage: str) -> list[Entry]:
    """The book's entries the passage names, in order of their first mention."""
    book_id = book_id_of(store.buckets.get(bucket_id))
    by_id = {e.id: e for e in store.codex.entries(book_id)}
    seen: dict[str, Entry] = {}
    for mention in store.codex.mentions(book_id, passage):
        seen.setdefault(mention.entry_id, by_id[mention.entry_id])
    return list(seen.values())


def known_names(store: Store, bucket_id: str) -> set[str]:
    """Every name and alias of the book's codex: names the text may use without inventing them."""
    book_id = book_id_of(store.buckets.get(bucket_id))
    return {name for entry in store.codex.entries(book_id) for name in entry.names}


def entry_line(entry: Entry, *, full: bool = True) -> str:
    """One entry as a prompt line: `- Mara (character; also: the keeper): The keeper. age: 34`."""
    kind = entry.kind + (f"; also: {', '.join(entry.aliases)}" if entry.aliases and full else "")
    parts = [entry.description.strip()]
    if full:
        parts += [f"{key}: {value}" for key, value in entry.fields.items() if isinstance(value, str | int | float)]
    text = ". ".join(p.rstrip(".") for p in parts if p)
    return f"- {entry.name} ({kind})" + (f": {text}." if text else "")


def codex_context(
    store: Store,
    bucket_id: str,
    passage: str,
    count_tokens: Callable[[str], int],
    *,
    budget_tokens: int = DEFAULT_BUDGET_TOKENS,
    header: str = HEADER,
) -> str:
    """The prompt block for the entries the passage names, at most `budget_tokens` long ("" if none fit),
    under `header` (prompt_texts has it in the book's language)."""
    lines: list[str] = []
    for entry in entries_in(store, bucket_id, passage):
        for candidate in (entry_line(entry), entry_line(entry, full=False)):
            if count_tokens("\n".join([header, *lines, candidate])) <= budget_tokens:
                lines.append(candidate)
                break
        else:
            break
    return "\n".join([header, *lines]) if lines else ""
