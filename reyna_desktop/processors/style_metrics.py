"""Style metrics computed in plain Python: deterministic, no model involved.

- Flesch reading ease = 206.835 − 1.015 × words/sentences − 84.6 × syllables/words
- Grade level (Flesch–Kincaid) = 0.39 × words/sentences + 11.8 × syllables/words − 15.59
- Syllables: groups of vowels (y counts) per word, a final silent "e" dropped, at least one.
- Vocabulary richness: distinct words / words, averaged over 100-word windows (moving-average
  type-token ratio) so long texts are not penalised; plain type-token ratio under 100 words.
- Dialogue share: words inside quotation marks ("…" or “…”) / all words.
- Tone: the first rule of TONE_RULES that holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9]+(?:['’][A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
_VOWEL_GROUP = re.compile(r"[aeiouyàâäéèêëîïôöûüù]+")
_QUOTED = re.compile(r"\"([^\"]*)\"|“([^”]*)”")
WINDOW = 100

Metrics = dict[str, Any]
TONE_RULES: list[tuple[str, str, Callable[[Metrics], bool]]] = [
    ("conversational", "dialogue_share >= 0.35", lambda m: m["dialogue_share"] >= 0.35),
    ("emphatic", "exclamations >= 20% of sentences", lambda m: m["exclamation_share"] >= 0.2),
    ("formal", "grade_level >= 13 and avg_word_length >= 5",
     lambda m: m["grade_level"] >= 13 and m["avg_word_length"] >= 5),
    ("literary", "avg_sentence_length >= 20", lambda m: m["avg_sentence_length"] >= 20),
    ("plain", "flesch_reading_ease >= 70", lambda m: m["flesch_reading_ease"] >= 70),
    ("neutral", "none of the rules above", lambda m: True),
]


def syllables(word: str) -> int:
    word = word.lower()
    groups = _VOWEL_GROUP.findall(word)
    count = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(1, count)


def vocabulary_richness(words: list[str]) -> float:
    lowered = [w.lower() for w in words]
    if not lowered:
        return 0.0
    if len(lowered) < WINDOW:
        return len(set(lowered)) / len(lowered)
    ratios = [len(set(lowered[i:i + WINDOW])) / WINDOW for i in range(0, len(lowered) - WINDOW + 1)]
    return sum(ratios) / len(ratios)


def analyze(text: str) -> Metrics:
    words = _WORD.findall(text)
    sentence_list = [s for s in _SENTENCE.findall(text) if _WORD.search(s)]
    n_words = len(words)
    n_sentences = max(1, len(sentence_list))
    n_syllables = sum(syllables(w) for w in words)
    per_sentence = n_words / n_sentences if n_words else 0.0
    per_word = n_syllables / n_words if n_words else 0.0
    quoted_words = sum(len(_WORD.findall(a or b)) for a, b in _QUOTED.findall(text))
    metrics: Metrics = {
        "flesch_reading_ease": round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 2) if n_words else 0.0,
        "grade_level": round(max(0.0, 0.39 * per_sentence + 11.8 * per_word - 15.59), 2) if n_words else 0.0,
        "sentence_count": len(sentence_list),
        "word_count": n_words,
        "avg_sentence_length": round(per_sentence, 2),
        "avg_word_length": round(sum(len(w) for w in words) / n_words, 2) if n_words else 0.0,
        "vocabulary_richness": round(vocabulary_richness(words), 4),
        "dialogue_share": round(min(1.0, quoted_words / n_words), 4) if n_words else 0.0,
        "exclamation_share": round(sum(1 for s in sentence_list if s.rstrip().endswith("!")) / n_sentences, 4),
    }
    tone, rule = next((name, rule) for name, rule, holds in TONE_RULES if holds(metrics))
    metrics["tone"] = tone
    metrics["tone_rule"] = rule
    return metrics
