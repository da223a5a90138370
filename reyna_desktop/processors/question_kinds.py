"""What a reader's question asks for, for the grounded chat's retrieval.

`analyse(question)` gives the question's content words (its terms), which of them only name
the kind of answer (the frame: "daughter" in "Which daughter kept coughing?", "high" in
"How high was the door?"; the text says "Kitty", "fifteen inches", not the frame word),
which are names (capitalised: a passage may call them "he" or "she"), and the kind of
answer wanted: a quantity for how many/much/long/old, a person for who, a place for where,
a time for when, a colour, or a proper name for "what is the name of". `has_kind` tells
whether a sentence holds an answer of that kind that the question does not already name.

    asked = analyse("How many daughters does Mrs. Bennet have?")
    asked.kind == "quantity" and asked.terms == ["daughters", "bennet"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reyna_desktop.processors.word_forms import stem

_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)*|\d+", re.UNICODE)
MAX_TERMS = 10
STOPWORDS = frozenset(
    "the and for are but not you your with this that what which who whom whose when where why how was were "
    "has have had does did can could would should will shall may might must about into from over under than "
    "then there their them they she her his him its our out all any some been being also just very more most "
    "before after again each every other only own same such both upon onto off away "
    "tell me please know story book chapter "
    # the frame of a question, not its subject
    "name named called colour color many much kind sort happen happened happens say said says "
    "mr mrs miss sir lady lord dr".split()
)
TITLES = frozenset("mr mrs miss ms sir lady lord dr st".split())
AUXILIARIES = frozenset(
    "is was were are am be been do does did has have had will would can could shall should may might must "
    "the a an of".split()
)
PERSON_NOUNS = frozenset(
    "daughter daughters son sons sister sisters brother brothers girl girls boy boys man men woman women person "
    "people lady ladies gentleman gentlemen child children one ones character characters friend friends wife "
    "husband mother father parent parents neighbour neighbours neighbor neighbors servant servants guest guests "
    "member members relative relatives cousin cousins aunt uncle".split()
)
QUANTITY_ADJECTIVES = frozenset(
    "many much long old far high tall deep large big often soon wide heavy short small far long".split()
)
NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "once twice thrice half dozen score several couple few".split()
)
COLOUR_WORDS = frozenset(
    "red orange yellow green blue purple violet pink brown black white grey gray gold golden silver scarlet "
    "crimson fair dark pale".split()
)
TIME_WORDS = frozenset(
    "morning evening night noon midnight dawn dusk day days week weeks month months year years today tomorrow "
    "yesterday tonight spring summer autumn winter o'clock hour hours minute minutes monday tuesday wednesday "
    "thursday friday saturday sunday january february march april may june july august september october "
    "november december christmas easter".split()
)
PLACE_WORDS = frozenset(
    "town village city county country house home lodge park street road lane room hall garden church "
    "castle farm field wood forest river sea shore island kingdom".split()
)
PRONOUNS = frozenset("he she him her his hers they them their it its".split())
# Words that open a sentence in capitals without being names, when a text starts one with them.
_NOT_NAMES = TITLES | frozenset("i oh ah o".split())
# A capitalised word after a word that does not end a sentence, or after a title ("Mrs. Long").
_MID_SENTENCE_CAPITAL = re.compile(
    r"(?:(?<=[^\s.!?…“\"‘'(\[—–-])|(?<=\bMr\.)|(?<=\bMrs\.)|(?<=\bMs\.)|(?<=\bDr\.)|(?<=\bSt\.))"
    r"\s+([A-Z][^\W\d_]+)"
)


@dataclass
class Question:
    text: str
    terms: list[str]  # content words, lower case, in order
    frame: set[str] = field(default_factory=set)  # terms that only say what kind of answer is wanted
    names: set[str] = field(default_factory=set)  # terms written with a capital in the question
    kind: str | None = None  # quantity, person, place, time, colour, proper name; None: any


def analyse(question: str) -> Question:
    tokens = [re.sub(r"[’']s$", "", t) for t in _WORD.findall(question)]  # "Rabbit's" -> "Rabbit"
    lower = [t.lower() for t in tokens]
    terms: list[str] = []
    names: set[str] = set()
    for index, (token, word) in enumerate(zip(tokens, lower, strict=True)):
        if len(word) < 3 or word in STOPWORDS or word in terms or word.isdigit():
            continue
        terms.append(word)
        if token[0].isupper() and index > 0:
            names.add(word)
    kind, frame = _kind(lower)
    return Question(question, terms[:MAX_TERMS], frame & set(terms), names, kind)


def _kind(lower: list[str]) -> tuple[str | None, set[str]]:
    """The answer's kind and the frame words, from the question word and what follows it."""
    text = " ".join(lower)
    for index, word in enumerate(lower[:-1]):
        following = lower[index + 1]
        if word == "how" and following in QUANTITY_ADJECTIVES:
            return "quantity", {following}
        if word in ("what", "which") and following not in AUXILIARIES:
            if following in ("colour", "color"):
                return "colour", set()
            if following in PERSON_NOUNS:
                return "person", {following}
            if following in ("time", "day", "year", "month", "hour"):
                return "time", {following}
            return None, {following}
    if re.search(r"\bwhat (is|was|were|are) (the|his|her|their) names?\b", text):
        return "proper name", set()
    if re.search(r"\b(who|whom|whose)\b", text):
        return "person", set()
    if re.search(r"\bwhere\b", text):
        return "place", set()
    if re.search(r"\bwhen\b", text):
        return "time", set()
    return None, set()


def proper_names(texts: list[str]) -> set[str]:
    """Lower-cased words the texts write with a capital where no sentence starts: names."""
    found: set[str] = set()
    for text in texts:
        for match in _MID_SENTENCE_CAPITAL.finditer(text):
            word = match.group(1).lower()
            if word not in _NOT_NAMES:
                found.add(word)
    return found


def has_kind(sentence: str, asked: Question, names: set[str]) -> bool:
    """True when the sentence holds an answer of the kind asked that the question does not name."""
    if asked.kind is None:
        return False
    asked_stems = {stem(t) for t in _WORD.findall(asked.text.lower())}
    words = [w.lower() for w in re.findall(r"[^\W\d_]+|\d+", sentence)]
    new = [w for w in words if stem(w) not in asked_stems]
    named = any(w in names for w in new)
    if asked.kind == "quantity":
        return any(_counts(words, i) for i, w in enumerate(words) if stem(w) not in asked_stems)
    if asked.kind == "colour":
        return any(w in COLOUR_WORDS for w in new)
    if asked.kind == "time":
        return named or any(w in TIME_WORDS for w in new)
    if asked.kind == "place":
        return named or any(w in PLACE_WORDS for w in new)
    return named  # a person, or a proper name


def _counts(words: list[str], index: int) -> bool:
    """True when the word at `index` gives a number: "ten", "1813", "half an hour"; not the
    "half" of "half hoping", the "once" of "at once" or the "one" of "no one"."""
    word = words[index]
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    if word == "half":
        return after in ("a", "an", "the", "of", "past") or after in NUMBER_WORDS or before in NUMBER_WORDS
    if word == "once":
        return before != "at"
    if word == "one":
        return before not in ("no", "any", "every", "some", "the", "each", "this", "that")
    return word.isdigit() or word in NUMBER_WORDS


def has_pronoun(sentence: str) -> bool:
    return any(w.lower() in PRONOUNS for w in _WORD.findall(sentence))
