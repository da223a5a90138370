"""The processors the app knows, by id."""

from __future__ import annotations

from reyna_desktop.errors import ReynaError
from reyna_desktop.processors.base import Processor


class ProcessorRegistry:
    def __init__(self, processors: list[Processor] | None = None) -> None:
        self._by_id: dict[str, Processor] = {}
        for processor in processors or []:
            self.register(processor)

    def register(self, processor: Processor) -> None:
        if not processor.id:
            raise ReynaError(f"{type(processor).__name__} has no id")
        if processor.concurrency < 1:
            raise ReynaError(f"processor {processor.id}: concurrency must be at least 1")
        self._by_id[processor.id] = processor

    def get(self, processor_id: str) -> Processor:
        try:
            return self._by_id[processor_id]
        except KeyError:
            known = ", ".join(sorted(self._by_id)) or "none"
            raise ReynaError(f"no processor with id {processor_id!r} (known: {known})") from None

    def all(self) -> list[Processor]:
        return sorted(self._by_id.values(), key=lambda p: p.id)

    def __contains__(self, processor_id: object) -> bool:
        return processor_id in self._by_id


def default_registry() -> ProcessorRegistry:
    """Every processor Reyna ships (tests/processors/test_registry.py checks none is missing)."""
    from reyna_desktop.export.processor import BookCompilerProcessor
    from reyna_desktop.processors.chat_processor import ChatProcessor
    from reyna_desktop.processors.pitch_builder import PitchBuilder
    from reyna_desktop.processors.style_analyzer import StyleAnalyzer
    from reyna_desktop.processors.summarizer import Summarizer
    from reyna_desktop.processors.text_expansion import TextExpansion

    return ProcessorRegistry(
        [TextExpansion(), StyleAnalyzer(), Summarizer(), PitchBuilder(), ChatProcessor(), BookCompilerProcessor()]
    )
