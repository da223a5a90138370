"""Reading a reader's question: terms, frame words, names and the kind of answer wanted."""

from __future__ import annotations

from reyna_desktop.processors.question_kinds import analyse, has_kind, proper_names


def test_the_question_word_gives_the_kind_of_answer_and_the_frame() -> None:
    asked = analyse("How many grown-up daughters does Mrs. Bennet have?")
    assert asked.kind == "quantity" and asked.terms == ["grown", "daughters", "bennet"] and asked.names == {"bennet"}
    asked = analyse("Which daughter kept coughing?")
    assert asked.kind == "person" and asked.frame == {"daughter"} and asked.terms == ["daughter", "kept", "coughing"]
    assert analyse("How high was the little door?").frame == {"high"}
    assert analyse("What colour were the White Rabbit's eyes?").kind == "colour"
    assert analyse("What colour were the White Rabbit's eyes?").terms == ["white", "rabbit", "eyes"]
    assert analyse("Where did Sir William Lucas move?").kind == "place"
    assert analyse("When did the ship sail?").kind == "time"
    assert analyse("What is the name of the ship?").kind == "proper name"
    assert analyse("Before which feast will he come?").frame == {"feast"}
    assert analyse("What did Darcy say?").kind is None


def test_a_sentence_holds_the_kind_of_answer_only_with_something_the_question_does_not_name() -> None:
    names = proper_names(["“For Mrs. Long has just been here,” said she to Kitty. Then Miss Bingley came."])
    assert {"long", "kitty", "bingley"} <= names and "then" not in names and "for" not in names
    many = analyse("How many daughters does Mrs. Bennet have?")
    assert has_kind("She has five daughters.", many, names)
    assert not has_kind("She has daughters.", many, names)
    assert not has_kind("Five daughters!", analyse("Who has five daughters?"), names)
    who = analyse("Who told Mrs. Bennet?")
    assert has_kind("Mrs. Long told her.", who, names) and not has_kind("Mrs. Bennet was told.", who, names)
    colour = analyse("What colour were the White Rabbit's eyes?")
    assert has_kind("A White Rabbit with pink eyes.", colour, names)
    assert not has_kind("The White Rabbit had eyes.", colour, names)


def test_words_that_only_look_like_numbers_are_no_answer_to_how_many() -> None:
    long = analyse("How long did he look at the house?")
    assert has_kind("He looked at it for half an hour.", long, set())
    assert not has_kind("He went back, half hoping to find it.", long, set())
    assert not has_kind("He took it at once.", long, set())
    assert not has_kind("No one knew.", analyse("How many guests came?"), set())
    assert has_kind("One guest came, then twenty.", analyse("How many guests came?"), set())
