"""Language codes: checking them, and the quotation marks each language uses."""

from __future__ import annotations

import re
import unicodedata

# ISO 639-1 codes (all 184), plus a few common three-letter ones without a two-letter code.
_ISO_639_1 = set(
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz "
    "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik "
    "io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml "
    "mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
    "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi "
    "vo wa wo xh yi yo za zh zu".split()
)
_EXTRA = {"fil", "haw", "yue", "nds", "sco", "gsw", "ast", "chr", "grc", "tlh"}
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

# Primary and secondary quotation marks, in markdown-it's order: “ ” ‘ ’.
_QUOTES: dict[str, str | list[str]] = {
    "en": "“”‘’", "nl": "“”‘’", "pt": "“”‘’", "it": "«»“”", "es": "«»“”", "ca": "«»“”",
    "de": "„“‚‘", "cs": "„“‚‘", "sk": "„“‚‘", "sl": "„“‚‘", "is": "„“‚‘", "lt": "„“‚‘",
    "da": "»«›‹", "fr": ["«\u202f", "\u202f»", "‹\u202f", "\u202f›"], "ru": "«»„“", "uk": "«»„“", "be": "«»„“",
    "pl": "„”«»", "hu": "„”»«", "ro": "„”«»", "bg": "„“’’", "hr": "„”‘’", "sr": "„“‘’", "sv": "””’’",
    "fi": "””’’", "nb": "«»‘’", "nn": "«»‘’", "no": "«»‘’", "el": "«»“”", "tr": "“”‘’", "ja": "「」『』",
    "zh": "“”‘’", "he": "“”‘’", "ar": "«»‹›",
}


def primary(code: str) -> str:
    return code.split("-")[0].lower()


def is_known(code: str) -> bool:
    return bool(_TAG.match(code)) and (primary(code) in _ISO_639_1 or primary(code) in _EXTRA)


def quotes_for(code: str) -> str | list[str]:
    return _QUOTES.get(primary(code), "“”‘’")


def resolve(code: str | None, warnings: list[str], where: str) -> str:
    """A usable language tag: the given one when known, else English with a warning."""
    if not code:
        return "en"
    code = code.strip()
    if is_known(code):
        return code
    warnings.append(f"{where}: language {code!r} is not a known language code; using 'en' instead")
    return "en"


RIGHT_TO_LEFT = {"ar", "he", "fa", "ur", "yi", "ps", "dv", "ug", "ckb", "sd", "syr", "iw"}


def direction(code: str) -> str:
    """The writing direction of a language: "rtl" for Arabic, Hebrew, Persian, ..., else "ltr"."""
    return "rtl" if primary(code) in RIGHT_TO_LEFT else "ltr"


def region(code: str) -> str:
    """The region of a tag ("ch" for "de-CH", "" for "en" or "zh-Hans")."""
    parts = code.split("-")
    return parts[1].lower() if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha() else ""


def text_direction(text: str) -> str | None:
    """The direction of the first strongly directional letter (as HTML's dir="auto"), None if none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None
