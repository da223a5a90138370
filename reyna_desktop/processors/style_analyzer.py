"""Style analysis of a text: reading ease, grade level, lengths, richness, dialogue, tone."""

from __future__ import annotations

from typing import ClassVar

from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.processors.style_metrics import analyze


class StyleAnalyzer(Processor):
    id = "style-analyzer"
    version = "1.0.0"
    description = "Reading ease, grade level, sentence and word length, vocabulary, dialogue share and tone"
    input_schemas: ClassVar[tuple[str, ...]] = ("text-input-v1", "expanded-text-v1", "message-v1")
    output_schema = "style-analysis-v1"
    concurrency = 2
    uses_model = False

    def run(self, ctx: JobContext) -> str:
        blob = ctx.input_blob()
        text = ctx.store.blobs.text(blob.id)
        if not text.strip():
            raise ProcessorError(f"blob {blob.id} has no text to analyse")
        metrics = analyze(text)
        ctx.progress(1.0)
        return ctx.save_output({**metrics, "source_blob_id": blob.id}, parent_id=blob.id,
                               title=f"Style: {blob.title}"[:120])
