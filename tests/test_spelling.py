"""Spell checking with the installed Hunspell dictionaries, the project dictionary in the store,
and the direction of Hebrew and Arabic text.

Texts: Genesis 1:1 in Hebrew (public domain); Article 1 of the Universal Declaration of Human
Rights in Arabic (the UN publishes it for free reproduction)."""

from __future__ import annotations

from pathlib import Path

from reyna_desktop import spelling
from reyna_desktop.store import Store

HEBREW = "בְּרֵאשִׁית בָּרָא אֱלֹהִים אֵת הַשָּׁמַיִם וְאֵת הָאָרֶץ"
ARABIC = "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق."


def test_the_dictionary_follows_the_book_language() -> None:
    installed = ["en_GB", "en_US", "fr_FR", "fr_CA", "de_DE"]
    assert spelling.dictionary_tag("en", installed) == "en_US"
    assert spelling.dictionary_tag("en-GB", installed) == "en_GB"
    assert spelling.dictionary_tag("fr-CA", installed) == "fr_CA"
    assert spelling.dictionary_tag("de-AT", installed) == "de_DE"
    assert spelling.dictionary_tag("ja", installed) is None


def test_misspelt_words_suggestions_and_the_project_dictionary(store: Store, private_dirs: Path) -> None:
    book = store.buckets.create("Livre", "book", metadata={"language": "fr"})
    draft = store.blobs.create({"content": "Le phare est allumé."}, bucket_ids=[book.id])
    assert spelling.language_of(store, draft.id) == "fr"
    french = spelling.checker_for(store, "fr")
    assert french.provider == "hunspell" and french.tag == "fr_FR"
    assert french.misspelt("Le phare est allumé.") == []
    english = spelling.checker_for(store, "en")
    text = "The keeper of Mordwen lit the lihgthouse, see https://exampel.org and `codde`."
    assert [text[a:b] for a, b in english.misspelt(text)] == ["Mordwen", "lihgthouse"]
    assert english.suggest("lihgthouse")[0] == "lighthouse"
    english.add_to_project("Mordwen")
    assert [text[a:b] for a, b in english.misspelt(text)] == ["lihgthouse"]
    assert french.is_correct("Mordwen")  # one project dictionary for the store
    store.close()
    with Store.open(private_dirs) as reopened:
        assert "Mordwen" in spelling.ProjectDictionary(reopened).words
    assert english.misspelt(f"He quoted {ARABIC} and {HEBREW}.") == []  # other scripts are not English


def test_right_to_left_by_content() -> None:
    assert spelling.is_right_to_left(HEBREW) and spelling.is_right_to_left(ARABIC)
    assert not spelling.is_right_to_left("The lighthouse keeper, שלום.")
    assert spelling.is_right_to_left("", "he") and not spelling.is_right_to_left("", "en")
    assert spelling.is_right_to_left(f"{ARABIC} (UDHR, 1948)")
