"""Chapter numbers as a writer wants them: 7, VII or Seven."""

from __future__ import annotations

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_ONES = ("Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen "
         "Sixteen Seventeen Eighteen Nineteen").split()
_TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()


def to_roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def to_words(n: int) -> str:
    """English words for 0..999 ("Forty-Two"); larger numbers stay digits."""
    if not 0 <= n < 1000:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} Hundred" + (f" and {to_words(rest)}" if rest else "")


def format_number(n: int, style: str) -> str:
    if style == "roman":
        return to_roman(n)
    if style == "words":
        return to_words(n)
    return str(n)
