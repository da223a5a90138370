"""The model's line above a grounded reply's quote is kept only when the quote says it, in its order."""

from __future__ import annotations

from reyna_desktop.processors.grounded_answer import keeps_quote_order

WINDOW = ("The ladies were somewhat more fortunate, for they had the advantage of ascertaining, from an upper "
          "window, that he wore a blue coat and rode a black horse.")


def test_a_line_that_pairs_the_quote_s_words_differently_is_not_what_the_quote_says() -> None:
    assert keeps_quote_order("It was a blue coat.", WINDOW)
    assert keeps_quote_order("He rode a black horse.", WINDOW)
    assert not keeps_quote_order("It was a blue horse.", WINDOW)
    assert not keeps_quote_order("He wore a black coat.", WINDOW)
    assert not keeps_quote_order("The horse wore a coat.", WINDOW)  # the order matters
    # One word: nothing to pair, so nothing shows it is the quote's answer ("Blue." to "What colour
    # was the horse?" is in the quote too).
    assert not keeps_quote_order("Blue.", WINDOW)
