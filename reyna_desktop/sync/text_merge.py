"""A three-way merge of one text, done the way sync merges texts (pycrdt Y.Text, no Qt).

The window needs it when a merge from another device lands in a draft that has edits not yet
saved: both changes are applied to the text they started from as CRDT edits (one delete and
one insert each, around the common prefix and suffix, as `project_doc.set_text` makes them)
and the two documents are merged, so each side's typing is kept.
"""

from __future__ import annotations

from pycrdt import Doc, Text

from reyna_desktop.sync.project_doc import set_text

FIELD = "text"


def _fork(origin: Doc, new: str) -> Doc:
    fork: Doc = Doc()
    fork.apply_update(origin.get_update())
    set_text(fork.get(FIELD, type=Text), new)
    return fork


def merge_text(base: str, theirs: str, mine: str) -> str:
    """`base` changed into `theirs` on one side and into `mine` on the other: both changes."""
    if theirs in (base, mine):
        return mine
    if mine == base:
        return theirs
    origin: Doc = Doc()
    origin.get(FIELD, type=Text).insert(0, base)
    ours, other = _fork(origin, mine), _fork(origin, theirs)
    ours.apply_update(other.get_update(ours.get_state()))
    return str(ours.get(FIELD, type=Text))
