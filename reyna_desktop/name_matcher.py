"""Finding names in text: one prebuilt matcher for all the names and aliases of a book's codex.

The matcher is one regular expression shaped as a trie of the names (so the engine walks the
text once and never tries the names one by one), matched ignoring case, on whole words only:
"Mara" is found in "Mara's" and "MARA," but not in "Maral". Possessives need no rule of their
own: the apostrophe ends the word. Of two names that start at the same place the longer wins
("Captain Mara Voss" over "Captain Mara"). Spaces inside a name match any run of whitespace,
so a name broken across lines is still found.

Plain Python, no store: the store uses it to keep its mention index, the processors to put
the entries a passage names into a prompt.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_NAME_CHARS = 200


def normalise(name: str) -> str:
    """The form names are compared in: NFC, lower case (as the regex's IGNORECASE folds), inner
    whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", name).lower().split())


@dataclass(frozen=True)
class Mention:
    """One place a name occurs: the entry it names, where, and the text as written."""

    entry_id: str
    start: int
    end: int
    text: str


def _trie_pattern(names: list[str]) -> str:
    """A regex alternation shaped as a trie of the names (each already normalised)."""
    trie: dict[str, dict] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if c == " " else re.escape(c)) + render(node[c]) for c in sorted(c for c in node if c)]
        if not branches:
            return ""
        alternation = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # A shorter name ends here: the optional longer part is tried first (greedy).
        return f"(?:{alternation})?" if "" in node else alternation

    return render(trie)


class NameMatcher:
    """Built once from (entry id, names) pairs; `find` and `counts` scan a text in one pass."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.owners: dict[str, list[str]] = {}
        for entry_id, names in entries:
            for name in names:
                key = normalise(name)[:MAX_NAME_CHARS]
                if key and entry_id not in self.owners.setdefault(key, []):
                    self.owners[key].append(entry_id)
        self._regex: re.Pattern[str] | None = None
        if self.owners:
            body = _trie_pattern(sorted(self.owners))
            self._regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    def __bool__(self) -> bool:
        return self._regex is not None

    def find(self, text: str) -> Iterator[Mention]:
        """Every mention in text order; a name two entries share counts for both."""
        if self._regex is None:
            return
        for match in self._regex.finditer(text):
            for entry_id in self.owners.get(normalise(match.group()), ()):
                yield Mention(entry_id, match.start(), match.end(), match.group())

    def counts(self, text: str) -> dict[str, tuple[int, int]]:
        """For each entry named in the text: (how many mentions, offset of the first)."""
        out: dict[str, tuple[int, int]] = {}
        for mention in self.find(text):
            count, first = out.get(mention.entry_id, (0, mention.start))
            out[mention.entry_id] = (count + 1, first)
        return out
