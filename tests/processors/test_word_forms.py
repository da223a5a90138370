"""Word forms for the chat's retrieval: stems, irregular forms, related words."""

from __future__ import annotations

from reyna_desktop.processors.word_forms import forms, related, stem, stems, surface_forms


def test_inflections_meet_and_different_words_stay_apart() -> None:
    for a, b in [("coughing", "coughs"), ("inherited", "inheritance"), ("taking", "take"), ("houses", "house"),
                 ("trimming", "trim"), ("danced", "dance"), ("married", "marry"), ("Bingley's", "Bingley"),
                 ("possession", "possess")]:
        assert stem(a) == stem(b), (a, b)
    for a, b in [("lighthouse", "light"), ("hated", "hat"), ("made", "mad"), ("regiment", "region")]:
        assert stem(a) != stem(b), (a, b)


def test_irregular_forms_count_as_the_word_and_related_words_apart() -> None:
    assert stem("went") in forms("go") and stem("gone") in forms("going")
    assert stem("kept") in forms("keep") and stem("mice") in forms("mouse")
    assert stem("said") in related("call")  # through "say", whose past is "said"
    assert stem("pretty") in related("looks") and stem("pretty") not in forms("looks")
    assert stem("light") not in forms("lighthouse") | related("lighthouse")
    assert set(surface_forms("taking")) == {"take", "taken", "taking", "took"}
    assert stems("She kept the keys.") == {"she", "kept", "the", "key"}
