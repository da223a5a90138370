"""Text expansion: a short draft becomes prose several times as long, streamed as it is written.

Base models get a few-shot completion prompt (an example in the chosen style, then the draft,
then "Passage:"), stop sequences and a repeat penalty; models with a chat template get an
instruction. A long draft is expanded paragraph by paragraph (sections), each prompt sized so
that it and its answer fit the context.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.processors.style_metrics import analyze
from reyna_desktop.processors.text_chunks import paragraphs, split_to_fit
from reyna_desktop.store.text import word_count

MIN_WORDS = 10
TOKENS_PER_WORD = 1.4  # English prose with this tokenizer, rounded up
STOP = ["\n\nDraft:", "\nDraft:", "Draft:", "\n\n\n"]
MAX_CONTINUATIONS = 4
LONG_ENOUGH = 0.9  # of the target length

EXAMPLE_DRAFT = "She missed the last bus and walked home in the rain."
STYLE_EXAMPLES: dict[str, str] = {
    "creative": (
        "The red tail lights of the last bus shrank into the dark as she reached the stop, breathless. "
        "For a moment she simply stood there, listening to the rain drum on the shelter roof. Then she "
        "pulled her collar up and started walking, splashing through puddles that shone like spilled ink, "
        "counting streetlights until her own front door finally appeared."
    ),
    "formal": (
        "Having arrived at the stop moments after the final bus of the evening had departed, she was "
        "obliged to complete her journey on foot. The rain, which had been falling steadily since the "
        "afternoon, continued without pause, and she reached her residence considerably later, and "
        "considerably wetter, than she had intended."
    ),
    "descriptive": (
        "The bus pulled away just as she rounded the corner, its windows glowing yellow against the grey "
        "evening. Rain fell in thin, cold sheets, soaking her coat and flattening her hair against her "
        "forehead. The pavement glistened under the orange streetlights, and the gutters ran fast and "
        "loud as she walked the long mile home."
    ),
}


_STRUCTURE = re.compile(r"^\s*(#{1,6}\s.*|[*\-_~#](\s*[*\-_~#]){2,}|[*\-_~#]{1,2})\s*$")


def is_structure(section: str) -> bool:
    """Headings and scene breaks ("***", "* * *", "---", "#") are kept as written, not expanded."""
    return bool(_STRUCTURE.match(section))


class TextExpansion(Processor):
    id = "text-expansion"
    version = "1.1.0"
    description = "Turns a short draft into prose 3–5 times as long, in a chosen style"
    input_schemas: ClassVar[tuple[str, ...]] = ("text-input-v1",)
    output_schema = "expanded-text-v1"
    concurrency = 1
    uses_model = True
    model_task = "expansion"
    default_params: ClassVar[dict[str, Any]] = {"ratio": 3.0, "style": "creative", "max_tokens": None}

    def run(self, ctx: JobContext) -> str:
        blob = ctx.input_blob()
        original = ctx.store.blobs.text(blob.id).strip()
        ratio, style = self._options(ctx, original, blob.id)
        sections = self._sections(ctx, original, ratio, style)
        outputs: list[dict[str, str]] = []
        for index, section in enumerate(sections):
            if index:
                ctx.partial("\n\n")
            expanded = section if is_structure(section) else self._expand(ctx, section, ratio, style)
            outputs.append({"original": section, "expanded": expanded})
            ctx.progress((index + 1) / len(sections))
        expanded_text = "\n\n".join(o["expanded"] for o in outputs)
        metrics = analyze(expanded_text)
        data: dict[str, Any] = {
            "original": original,
            "expanded": expanded_text,
            "expansion_ratio": round(word_count(expanded_text) / max(1, word_count(original)), 3),
            "style": style,
            "target_ratio": ratio,
            "style_analysis": {k: v for k, v in metrics.items() if k != "exclamation_share"},
            "sections": outputs,
        }
        return ctx.save_output(data, parent_id=blob.id, title=f"{blob.title} (expanded)"[:120])

    def _options(self, ctx: JobContext, original: str, blob_id: str) -> tuple[float, str]:
        words = word_count(original)
        if words < MIN_WORDS:
            raise ProcessorError(f"blob {blob_id} has {words} words; text expansion needs at least {MIN_WORDS}")
        try:
            ratio = float(ctx.params.get("ratio") or 3.0)
        except (TypeError, ValueError):
            raise ProcessorError(f"ratio must be a number, not {ctx.params.get('ratio')!r}") from None
        if not 1.5 <= ratio <= 6.0:
            raise ProcessorError(f"ratio must be between 1.5 and 6, not {ratio}")
        style = str(ctx.params.get("style") or "creative")
        if style not in STYLE_EXAMPLES:
            raise ProcessorError(f"style {style!r} is not one of {', '.join(STYLE_EXAMPLES)}")
        return ratio, style

    def _sections(self, ctx: JobContext, text: str, ratio: float, style: str) -> list[str]:
        """Paragraphs (split further if needed) whose prompt and answer both fit the context."""
        llm = ctx.llm
        header = llm.count_tokens(self._prompt("", ratio, style))
        budget = max(32, int((llm.n_ctx - header - 16) / (1 + TOKENS_PER_WORD * ratio)))
        sections: list[str] = []
        for paragraph in paragraphs(text):
            sections.extend(split_to_fit(paragraph, budget, llm.count_tokens))
        return sections

    def _expand(self, ctx: JobContext, section: str, ratio: float, style: str) -> str:
        target_words = max(20, round(word_count(section) * ratio))
        max_tokens = math.ceil(target_words * TOKENS_PER_WORD) + 16
        if ctx.params.get("max_tokens"):
            max_tokens = min(max_tokens, int(ctx.params["max_tokens"]))
        if ctx.llm.has_chat_template:
            messages = [
                {"role": "system", "content": "You are a writing assistant who expands drafts into finished prose."},
                {
                    "role": "user",
                    "content": f"Rewrite this draft as a {style} passage of about {target_words} "
                    f"words. Reply with the passage only.\n\n{section}",
                },
            ]
            return ctx.chat(messages, max_tokens=max_tokens).text.strip()
        return self._complete_to_length(ctx, self._prompt(section, ratio, style), target_words, max_tokens)

    @staticmethod
    def _complete_to_length(ctx: JobContext, prompt: str, target_words: int, max_tokens: int) -> str:
        """A small base model ends its passage early; ask it to go on with what it wrote until the
        passage reaches most of the target length or the token budget is spent."""
        first = ctx.generate(prompt, max_tokens=max_tokens, stop=STOP)
        text, spent = first.text.strip(), first.completion_tokens
        for _ in range(MAX_CONTINUATIONS):
            missing = target_words - word_count(text)
            budget = max_tokens - spent
            if missing < target_words * (1 - LONG_ENOUGH) or budget < 16:
                break
            ctx.partial(" ")
            try:
                more = ctx.generate(
                    f"{prompt} {text}", max_tokens=min(budget, math.ceil(missing * TOKENS_PER_WORD) + 16), stop=STOP
                )
            except ProcessorError:  # it had nothing more to say
                break
            text, spent = f"{text} {more.text.strip()}", spent + more.completion_tokens
        return text

    @staticmethod
    def _prompt(section: str, ratio: float, style: str) -> str:
        return (
            f"Each short draft below is rewritten as a {style} passage about {ratio:g} times as long.\n\n"
            f"Draft: {EXAMPLE_DRAFT}\nPassage: {STYLE_EXAMPLES[style]}\n\n"
            f"Draft: {section}\nPassage:"
        )
