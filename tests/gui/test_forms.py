"""gui/forms.py: filling Qt's %1, %2… placeholders of a translated string."""

from __future__ import annotations

from reyna_desktop.gui.forms import fill


def test_fill_puts_each_value_in_its_place_once() -> None:
    # A chapter name holding "%2" is text, not a placeholder to fill again.
    assert fill("%1 in %2: %3", "Mara", "50%2 off", 4) == "Mara in 50%2 off: 4"
    assert fill("%2, then %1", "a", "b") == "b, then a"


def test_fill_reads_two_digit_placeholders_and_leaves_unknown_ones() -> None:
    values = [str(n) for n in range(1, 11)]
    assert fill("%10 after %1", *values) == "10 after 1"
    assert fill("%1 and %3", "x") == "x and %3"
