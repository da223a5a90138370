"""Spell checking with Hunspell dictionaries (Debian's hunspell-* packages, through pyenchant),
chosen by the book's language, plus a project dictionary kept in the store; and the writing
direction of a text (Arabic, Hebrew... right to left).

    checker = checker_for(store, language_of(store, blob_id))
    checker.misspelt("Teh harbour")       # [(0, 3)]
    checker.suggest("Teh")                # ["The", "Tech", ...]
    checker.add_to_project("Skerry")      # never flagged again, in this store

No Qt here: the window's highlighter and context menu use it.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
import weakref
from typing import TYPE_CHECKING

import enchant

from reyna_desktop.book_language import bucket_language
from reyna_desktop.errors import ReynaError

if TYPE_CHECKING:
    from reyna_desktop.store import Store

PROJECT_NAMESPACE, PROJECT_KEY = "spelling", "project-words"
DEFAULT_LANGUAGE = "en"
# The dictionary a bare language code means when the book does not name a region.
PREFERRED = {"en": "en_US", "fr": "fr_FR", "de": "de_DE", "es": "es_ES", "pt": "pt_PT", "it": "it_IT",
             "nl": "nl_NL", "he": "he_IL", "ar": "ar"}
RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SKIP = re.compile(r"https?://\S+|\[[^\]]*\]\([^)]*\)|`[^`]*`|\S+@\S+\.\S+")  # links, code, e-mail


class SpellingUnavailable(ReynaError):
    """No dictionary for the language is installed."""


def dictionary_tag(language: str | None, available: list[str] | None = None) -> str | None:
    """The installed dictionary for a BCP 47 language ("en-GB" -> "en_GB", "fr" -> "fr_FR"), or None."""
    tags = available if available is not None else enchant.Broker().list_languages()
    code = (language or DEFAULT_LANGUAGE).replace("-", "_")
    base = code.split("_")[0].lower()
    region = code.split("_")[1].upper() if "_" in code else ""
    for candidate in (f"{base}_{region}" if region else "", PREFERRED.get(base, ""), base):
        if candidate and candidate in tags:
            return candidate
    return next((t for t in sorted(tags) if t.split("_")[0] == base), None)


def language_of(store: Store, blob_id: str) -> str:
    """The language of the book (or any ancestor with a `language`) the blob's bucket is in."""
    blob = store.blobs.get(blob_id)
    found = bucket_language(store, blob.bucket_ids[0]) if blob.bucket_ids else None
    return found or DEFAULT_LANGUAGE


class ProjectDictionary:
    """Words the writer added ("Skerry", "Mara"), one list per store, kept in its kv table."""

    def __init__(self, store: Store) -> None:
        self.store = store
        raw = store.kv_get(PROJECT_NAMESPACE, PROJECT_KEY)
        self.words: set[str] = set(json.loads(raw.decode("utf-8"))) if raw else set()

    def add(self, word: str) -> None:
        self.words.add(word)
        self.store.kv_set(PROJECT_NAMESPACE, PROJECT_KEY, json.dumps(sorted(self.words)).encode("utf-8"))


class SpellChecker:
    def __init__(self, tag: str, project: ProjectDictionary) -> None:
        broker = enchant.Broker()
        broker.set_ordering(tag, "hunspell")  # Debian's Hunspell dictionaries before aspell's
        self.tag = tag
        self._dict = broker.request_dict(tag)
        self._lock = threading.Lock()  # one enchant dictionary, the UI thread and a worker
        self.project = project

    @property
    def provider(self) -> str:
        return str(self._dict.provider.name)

    def is_correct(self, word: str) -> bool:
        if self._other_script(word):
            return True  # an Arabic quotation in an English draft is not misspelt English
        if word in self.project.words or word.lower() in self.project.words or word.isupper():
            return True  # acronyms (NASA, BBC) are not checked
        with self._lock:
            return bool(self._dict.check(word))

    def _other_script(self, word: str) -> bool:
        if self.tag.split("_")[0] in RTL_LANGUAGES:
            return any(unicodedata.bidirectional(c) == "L" for c in word)
        return any(unicodedata.bidirectional(c) in ("R", "AL") or ord(c) >= 0x2E80 for c in word)

    def misspelt(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each misspelt word in the text (links, code and e-mail addresses left out)."""
        skipped = [m.span() for m in _SKIP.finditer(text)]
        out = []
        for match in _WORD.finditer(text):
            start, end = match.span()
            if any(a <= start < b for a, b in skipped):
                continue
            if not self.is_correct(match.group().replace("’", "'")):
                out.append((start, end))
        return out

    def suggest(self, word: str, limit: int = 6) -> list[str]:
        with self._lock:
            return list(self._dict.suggest(word))[:limit]

    def add_to_project(self, word: str) -> None:
        self.project.add(word)


_checkers: weakref.WeakKeyDictionary[Store, dict[str, SpellChecker]] = weakref.WeakKeyDictionary()
_checkers_lock = threading.Lock()


def checker_for(store: Store, language: str | None) -> SpellChecker:
    """The checker for this language in this store (made once), or SpellingUnavailable."""
    tag = dictionary_tag(language)
    if tag is None:
        raise SpellingUnavailable(f"no spelling dictionary for {language!r} is installed "
                                  f"(on Debian: apt install hunspell-{(language or 'en').split('-')[0].lower()})")
    with _checkers_lock:
        per_store = _checkers.setdefault(store, {})
        if tag not in per_store:
            shared = next(iter(per_store.values()), None)  # one project dictionary per store
            per_store[tag] = SpellChecker(tag, shared.project if shared else ProjectDictionary(store))
        return per_store[tag]


def right_to_left_share(text: str) -> float:
    """The share of strongly directional letters that are right-to-left (Hebrew, Arabic...)."""
    rtl = ltr = 0
    for char in text[:20000]:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
        elif kind == "L":
            ltr += 1
    return rtl / (rtl + ltr) if rtl + ltr else 0.0


def is_right_to_left(text: str, language: str | None = None) -> bool:
    """Set right to left: mostly RTL letters, or (for an empty text) a right-to-left language."""
    share = right_to_left_share(text)
    if share == 0.0 and not any(unicodedata.bidirectional(c) == "L" for c in text[:2000]):
        return (language or "").split("-")[0].lower() in RTL_LANGUAGES
    return share > 0.5
