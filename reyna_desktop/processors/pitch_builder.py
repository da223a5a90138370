"""A book's pitch: a one-page synopsis (map-reduce over the manuscript), then a logline and a
back-cover blurb written from that synopsis."""

from __future__ import annotations

from typing import Any, ClassVar

from reyna_desktop.processors.base import JobContext, Processor, ProcessorError
from reyna_desktop.processors.mapreduce import map_reduce
from reyna_desktop.processors.sources import manuscript_blobs
from reyna_desktop.processors.summarizer import summarise_with, summary_prompt

EXAMPLE_SYNOPSIS = (
    "A lighthouse keeper's daughter finds a wrecked ship's log that names her late father as a smuggler. "
    "She sails to the island where the ship went down, uncovers the harbour master's lie, and clears her family's name."
)
LOGLINE_EXAMPLE = "A young woman risks the sea to prove that her father was framed for the wreck that killed him."
BLURB_EXAMPLE = (
    "Everyone in Port Avel knows the story of the Mary Ellen. Nobody knows the truth. When Nell finds the "
    "ship's log hidden in her father's lighthouse, she must choose between a quiet life and the dangerous "
    "voyage that could finally set the record straight."
)


def _prompt(label: str, example: str, synopsis: str) -> str:
    return (f"Synopsis: {EXAMPLE_SYNOPSIS}\n{label}: {example}\n\n"
            f"Synopsis: {synopsis}\n{label}:")


class PitchBuilder(Processor):
    id = "pitch-builder"
    version = "1.1.0"
    description = "Writes a book's logline, back-cover blurb and one-page synopsis"
    input_schemas: ClassVar[tuple[str, ...]] = ("bucket:book",)
    output_schema = "pitch-v1"
    uses_model = True
    default_params: ClassVar[dict[str, Any]] = {
        "synopsis_tokens": 400, "map_tokens": 80, "logline_tokens": 48, "blurb_tokens": 160, "chunk_tokens": None,
    }

    def run(self, ctx: JobContext) -> str:
        book = ctx.input_bucket()
        sources = manuscript_blobs(ctx.store, book.id)
        text = "\n\n".join(ctx.store.blobs.text(b.id).strip() for b in sources).strip()
        if not text:
            raise ProcessorError(f"book {book.name!r} ({book.id}) has no chapter text yet to build a pitch from")
        p = ctx.params
        synopsis = map_reduce(
            ctx, text, summarise_with(ctx), prompt_overhead=ctx.llm.count_tokens(summary_prompt("")),
            map_tokens=int(p["map_tokens"]), final_tokens=int(p["synopsis_tokens"]), chunk_tokens=p.get("chunk_tokens"),
        ).summary
        ctx.partial("\n\n")
        logline = self._write(ctx, "Logline", LOGLINE_EXAMPLE, synopsis, int(p["logline_tokens"]), ["\n"])
        ctx.partial("\n\n")
        blurb = self._write(ctx, "Back-cover blurb", BLURB_EXAMPLE, synopsis, int(p["blurb_tokens"]), ["\n"])
        ctx.progress(1.0)
        data = {"logline": logline, "blurb": blurb, "synopsis": synopsis, "book_bucket_id": book.id,
                "source_blob_ids": [b.id for b in sources]}
        return ctx.save_output(data, bucket_ids=[book.id], title=f"Pitch: {book.name}"[:120])

    @staticmethod
    def _write(ctx: JobContext, label: str, example: str, synopsis: str, max_tokens: int, stop: list[str]) -> str:
        if ctx.llm.has_chat_template:
            messages = [{"role": "user", "content": f"Write a {label.lower()} for a book with this synopsis. "
                                                    f"Reply with the {label.lower()} only.\n\n{synopsis}"}]
            return ctx.chat(messages, max_tokens=max_tokens).text.strip()
        return ctx.generate(_prompt(label, example, synopsis), max_tokens=max_tokens, stop=stop).text.strip()
