"""The ids of the schemas Reyna ships (`schemas/*.json`), as constants: code names a schema by
one of these, never by a string literal, so a rename is one edit and a typo an import error.
"""

from __future__ import annotations

# Blob schemas
TEXT_INPUT = "text-input-v1"
EXPANDED_TEXT = "expanded-text-v1"
MESSAGE = "message-v1"
SUMMARY = "summary-v1"
PITCH = "pitch-v1"
STYLE_ANALYSIS = "style-analysis-v1"
CHORDPRO = "chordpro-v1"
AUDIO = "audio-v1"
IMAGE = "image-v1"
COMPILED_BOOK = "compiled-book-v1"

# The schemas whose blobs are a section's prose (a draft, an edited or expanded text).
TEXT_SCHEMAS = (TEXT_INPUT, EXPANDED_TEXT)

# Bucket metadata schemas
BUCKET_BOOK = "bucket-book-v1"
BUCKET_CHAPTER = "bucket-chapter-v1"
BUCKET_ALBUM = "bucket-album-v1"
BUCKET_TRACK = "bucket-track-v1"
BUCKET_CONVERSATION = "bucket-conversation-v1"
BUCKET_CHARACTER = "bucket-character-v1"
BUCKET_PLACE = "bucket-place-v1"
BUCKET_ITEM = "bucket-item-v1"
BUCKET_LORE = "bucket-lore-v1"

BLOB_SCHEMAS = (
    TEXT_INPUT, EXPANDED_TEXT, MESSAGE, SUMMARY, PITCH, STYLE_ANALYSIS, CHORDPRO, AUDIO, IMAGE, COMPILED_BOOK,
)
BUCKET_SCHEMAS = (
    BUCKET_BOOK, BUCKET_CHAPTER, BUCKET_ALBUM, BUCKET_TRACK, BUCKET_CONVERSATION,
    BUCKET_CHARACTER, BUCKET_PLACE, BUCKET_ITEM, BUCKET_LORE,
)
