"""Retrieval for the grounded chat over a small book in a real store (no model): the passage
that answers, the sentence quoted, and no evidence for what the book never mentions."""

from __future__ import annotations

from reyna_desktop.processors.retrieval import find_evidence
from reyna_desktop.store import Store

HARBOUR = (
    "Captain Mara Vell brought the Heron into the harbour at dawn, with a cargo of salt and rope from the north. "
    "The gulls followed her boat all the way in from the point, and the fishermen on the quay stopped to watch.\n\n"
    "She had been at sea for forty days. Her hands were cracked and her coat was grey with salt, but she "
    "laughed when she saw the town again, and she called to the boy on the wall to run and fetch her brother.\n\n"
    "Her brother Tomas kept the lighthouse lamp on Gull Rock, and he came down the steps with a lantern in his hand. "
    "He had not slept since the storm, and he said that the old wall of the harbour would not stand another winter."
)
MARKET = (
    "The market in the square sold bread, cheese and apples on Saturdays. The baker's wife, Ilse, kept the best "
    "stall, next to the well, and every child in town knew that she gave away the broken loaves at noon."
)


def book(store: Store) -> tuple[str, str, str]:
    root = store.buckets.create("The Harbour", "book")
    one = store.buckets.create("Chapter One: Landfall", "chapter", parent_id=root.id)
    two = store.buckets.create("Chapter Two: Market Day", "chapter", parent_id=root.id)
    harbour = store.blobs.create({"content": HARBOUR}, bucket_ids=[one.id], title="Landfall")
    market = store.blobs.create({"content": MARKET}, bucket_ids=[two.id], title="Market")
    return root.id, harbour.id, market.id


def test_the_quote_is_the_sentence_with_the_answer_even_when_it_says_she(store: Store) -> None:
    root, harbour, _ = book(store)
    evidence = find_evidence(store, root, "How many days was Mara Vell at sea?")
    assert evidence.found and evidence.sources[0].blob_id == harbour
    assert "forty days" in evidence.sources[0].snippet
    assert evidence.sources[0].title == "Chapter One: Landfall"


def test_irregular_forms_and_the_kind_of_answer_pick_the_passage(store: Store) -> None:
    root, harbour, market = book(store)
    keeps = find_evidence(store, root, "Who keeps the lighthouse lamp?")  # the text says "kept"
    assert keeps.sources[0].blob_id == harbour and "Tomas" in keeps.sources[0].snippet
    stall = find_evidence(store, root, "Who keeps the best stall at the market?")
    assert stall.sources[0].blob_id == market and "Ilse" in stall.sources[0].snippet
    colour = find_evidence(store, root, "What colour was Mara's coat?")
    assert "grey" in colour.sources[0].snippet


def test_what_the_book_never_mentions_finds_no_evidence(store: Store) -> None:
    root, _, _ = book(store)
    for question in ["Which regiment guards the castle?", "What is the name of the ship's cat?",
                     "Who inherits the lighthouse after the wedding?", "What did the vicar preach?"]:
        evidence = find_evidence(store, root, question)
        assert not evidence.found, (question, [s.snippet for s in evidence.sources])
    assert not find_evidence(store, root, "the of and").found  # no terms at all


def test_a_quote_is_found_again_in_the_chapter_text_for_the_window_to_select(store: Store) -> None:
    from reyna_desktop.processors.retrieval import quote_span

    root, _, _ = book(store)
    source = find_evidence(store, root, "How many days was Mara Vell at sea?").sources[0]
    start, end = quote_span(HARBOUR, source.snippet) or (0, 0)
    assert HARBOUR[start:end].startswith(source.snippet.split(". ")[0]) and "forty days" in HARBOUR[start:end]
    wrapped = HARBOUR.replace("at sea for", "at sea\nfor")  # line breaks where the quote has spaces
    assert quote_span(wrapped, "She had been at sea for forty days.") is not None
    assert quote_span("Something else entirely.", source.snippet) is None


def test_a_codex_alias_counts_as_the_name_the_question_uses(store: Store) -> None:
    root = store.buckets.create("The Visit", "book")
    chapter = store.buckets.create("Chapter Two", "chapter", parent_id=root.id)
    text = ("Observing his second daughter employed in trimming a bonnet, he suddenly addressed her.\n\n"
            "“I hope Mr. Bingley will like it, Lizzy.”")
    blob = store.blobs.create({"content": text}, bucket_ids=[chapter.id])
    question = "What was Elizabeth trimming?"
    assert not find_evidence(store, root.id, question).found  # the text never says "Elizabeth"
    store.codex.add(root.id, "character", "Elizabeth Bennet", aliases=["Lizzy", "Eliza"])
    evidence = find_evidence(store, root.id, question)
    assert evidence.found and evidence.sources[0].blob_id == blob.id and "bonnet" in evidence.sources[0].snippet


def test_a_sentence_the_draft_and_its_expansion_share_is_quoted_once(store: Store) -> None:
    root, harbour, _ = book(store)
    chapter = store.blobs.get(harbour).bucket_ids[0]
    store.blobs.create({"content": "She had been at sea for forty days. The nights were long and the wind was cold."
                                   "\n\nMara Vell did not mind the cold."},
                       bucket_ids=[chapter], processor_id="text-expansion", title="Landfall (expanded)")
    evidence = find_evidence(store, root, "How many days was Mara Vell at sea?")
    forty = [s for s in evidence.sources if "forty days" in s.snippet]
    assert len(forty) == 1 and len(evidence.sources) >= 2  # the other quotes say something else


def test_a_quote_that_skips_sentences_says_so_and_is_still_found(store: Store) -> None:
    from reyna_desktop.processors.retrieval import quote_span

    root = store.buckets.create("Gull Rock", "book")
    chapter = store.buckets.create("Chapter Three", "chapter", parent_id=root.id)
    text = ("Tomas rowed out to the island at dawn. The gulls were loud over the grey water. "
            "On the island Tomas found the old keeper's brass lantern.")
    store.blobs.create({"content": text}, bucket_ids=[chapter.id])
    snippet = find_evidence(store, root.id, "What did Tomas find on the island?").sources[0].snippet
    assert snippet == ("Tomas rowed out to the island at dawn. … "
                       "On the island Tomas found the old keeper's brass lantern.")
    start, end = quote_span(text, snippet) or (0, 0)
    assert (start, end) == (0, len(text))  # the window selects from the first quoted sentence to the last
    later = store.buckets.create("Chapter Four", "chapter", parent_id=root.id)
    store.blobs.create({"content": "Tomas sailed back to the island at noon. The wind had dropped by then. "
                                   "On the island Tomas found a second lantern in the sand."}, bucket_ids=[later.id])
    both = find_evidence(store, root.id, "What did Tomas find on the island?").sources
    assert len(both) == 2 and all(" … " in s.snippet for s in both)  # the marks are no shared sentence


def test_the_author_s_draft_is_quoted_before_the_model_s_expansion_of_it(store: Store) -> None:
    root, harbour, _ = book(store)
    chapter = store.blobs.get(harbour).bucket_ids[0]
    store.blobs.create({"content": "Captain Mara Vell had been at sea for forty days, she said, and forty nights."},
                       bucket_ids=[chapter], processor_id="text-expansion", title="Landfall (expanded)")
    evidence = find_evidence(store, root, "How many days was Mara Vell at sea?")
    assert evidence.sources[0].blob_id == harbour
