"""Which words of a passage count as a question's word: the same stem, an irregular form, or a
related word (a small general table), for the grounded chat's retrieval.

`stem` strips inflections and a few derivational endings so that "coughing" meets "coughs",
"inherited" meets "inheritance" and "youngest" meets "young", while "lighthouse" stays apart
from "light" (whole stems are compared, never prefixes). `forms(word)` is what counts as the
word itself (its stem and its irregular forms: "went" for "go", "mice" for "mouse");
`related(word)` what counts at a discount (a synonym or a word of the same small family:
"spoke" for "said", "pretty" for "looks").

    forms("taking") == {"tak", "took", "taken"}   # stems
    "spok" in related("say")
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Inflections first (longest first), then a few derivational endings that need a stem of 5+
# letters left ("regiment" keeps its "ment", "possession" loses its "ion").
_INFLECTIONS = ("iest", "ies", "ied", "ing", "est", "es", "ed", "ly", "s")
_DERIVATIONS = ("ations", "ation", "ments", "ment", "ness", "ions", "ion", "ance", "ence", "ity", "ful", "ous")
_DOUBLE_END = re.compile(r"([bdfgklmnprt])\1$")
_SHORT_SYLLABLE = re.compile(r"[^aeiou][aeiou][^aeiouwxy]")

# Irregular verbs and plurals: every word of a group is a form of the others.
IRREGULAR = """
arise arose arisen|awake awoke awoken|be is am are was were been being|bear bore borne born|beat beaten|become became
begin began begun|bend bent|bite bitten|bleed bled|blow blew blown|break broke broken|bring brought
build built|burn burnt|buy bought|catch caught|choose chose chosen|cling clung|come came|creep crept|deal dealt
dig dug|do did done does doing|draw drew drawn|dream dreamt|drink drank drunk|drive drove driven|eat ate eaten
fall fell fallen|feed fed|feel felt|fight fought|find found|flee fled|fly flew flown|forbid forbade forbidden
forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got gotten|give gave given
go went gone goes going|grow grew grown|hang hung|have has had|hear heard|hide hid hidden|hold held
keep kept|kneel knelt|know knew known|lay laid|lead led|lean leant|leap leapt|learn learnt|leave left
lend lent|light lit
lose lost|make made|mean meant|meet met|pay paid|prove proven|read|ride rode ridden|ring rang rung
run ran|say said|see saw seen|seek sought|sell sold|send sent|shake shook shaken|shine shone|shoot shot
show shown|shrink shrank shrunk|sing sang sung|sink sank sunk|sit sat|slay slew slain|sleep slept|slide slid
speak spoke spoken|speed sped|spend spent|spin spun|spring sprang sprung|stand stood|steal stole stolen
stick stuck|sting stung|stride strode|strike struck|strive strove striven|swear swore sworn|sweep swept
swim swam swum|swing swung|take took taken|teach taught|tear tore torn|tell told|think thought|throw threw thrown
tread trod trodden|understand understood|wake woke woken|wear wore worn|weave wove woven|weep wept|win won
write wrote written
child children|foot feet|goose geese|louse lice|man men|mouse mice|ox oxen|person people|tooth teeth|woman women
wife wives|knife knives|life lives|leaf leaves|wolf wolves|half halves|shelf shelves|thief thieves|calf calves
"""

# Small families of words a question may use for what the text says otherwise. General
# English, not one book's: speech, sight, looks, kin, money, size, dwelling, feelings.
RELATED = """
say speak talk tell call address reply answer remark declare exclaim cry mention utter
look see watch observe notice glance gaze stare view sight
looks appearance beauty beautiful pretty handsome plain ugly
father papa dad parent|mother mamma mama mum mom parent|daughter girl child|son boy child
sister sibling|brother sibling|husband wife married marry spouse
money fortune income wealth rich pound pounds shilling guinea dollar earn
large big great huge|small little tiny|tall high height|long length|deep depth|wide width|old age
begin start commence|end finish stop|arrive come reach return|own belong possess owner
carry hold bring bear|leave depart go
move remove settle live dwell reside|house home dwelling lodge hall manor cottage residence
buy purchase|sell sale|die death dead|kill murder slay
happy glad pleased delight joy|sad sorrow unhappy grief|angry anger vex fury|afraid fear frighten fright scare
cry weep tear sob|laugh smile|eat dine dinner meal|drink drank
walk stroll stride|run race hurry|fall drop tumble|grow larger|shrink smaller
colour color|dog terrier hound puppy|cat kitten
"""


def stem(word: str) -> str:
    """The word without its inflection (and some derivational endings), lower case."""
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s?$", "", word)
    cut = ""
    for ending in _INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 3 and not word.endswith(("ss", "us", "is")):
            word = word[: -len(ending)] + ("y" if ending in ("ies", "ied", "iest") else "")
            cut = ending
            break
    for ending in _DERIVATIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 5:
            word = word[: -len(ending)]
            break
    if len(word) >= 5 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and _DOUBLE_END.search(word):
        return word[:-1]  # "trimming" -> "trim"
    if cut in ("ing", "ed", "es") and _SHORT_SYLLABLE.fullmatch(word):
        word += "e"  # "taking" -> "take", "hated" -> "hate" (not "hat")
    return word


def stems(text: str) -> set[str]:
    """The stems of every word of a text."""
    return {stem(w) for w in _WORD.findall(text)}


def _groups(table: str) -> dict[str, frozenset[str]]:
    """Each word's stem -> the stems of every word it shares a group with (itself included)."""
    out: dict[str, set[str]] = {}
    for line in table.strip().splitlines():
        for group in line.split("|"):
            members = {stem(w) for w in group.split()}
            for member in members:
                out.setdefault(member, set()).update(members)
    return {k: frozenset(v) for k, v in out.items()}


_IRREGULAR = _groups(IRREGULAR)
_RELATED = _groups(RELATED)


@lru_cache(maxsize=4096)
def forms(word: str) -> frozenset[str]:
    """The stems that count as `word` itself: its own and its irregular forms'."""
    own = stem(word)
    return frozenset({own} | _IRREGULAR.get(own, frozenset()))


@lru_cache(maxsize=4096)
def related(word: str) -> frozenset[str]:
    """The stems of related words (the families of `word` and of its irregular forms), less its own forms."""
    own = forms(word)
    found: set[str] = set()
    for form in own:
        for near in _RELATED.get(form, frozenset()):
            found |= {near} | _IRREGULAR.get(near, frozenset())  # "said" for "call", through "say"
    return frozenset(found - own)


def surface_forms(word: str) -> list[str]:
    """The spelled-out words to look for in a full-text index: the word and its irregular forms."""
    own = stem(word)
    spelled = {word.lower()}
    for line in IRREGULAR.strip().splitlines():
        for group in line.split("|"):
            members = group.split()
            if any(stem(m) == own for m in members):
                spelled.update(members)
    return sorted(spelled)
