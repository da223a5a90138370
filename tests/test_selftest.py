"""The self-test fails when a step cannot run, and names every failed step (no fallbacks)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from reyna_desktop import selftest


def test_every_failed_step_is_reported_and_the_run_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing_part(state: dict[str, Any]) -> str:
        raise ImportError("No module named 'reyna_desktop.export'")

    def fine(state: dict[str, Any]) -> str:
        return "did its part"

    monkeypatch.setattr(selftest, "STEPS", [
        ("compile EPUB", missing_part, ()),
        ("independent step", fine, ()),
        ("open store", missing_part, ()),
        ("check store", selftest._check, ("open store",)),
    ])
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    text = out.getvalue()
    assert "FAIL compile EPUB" in text and "No module named 'reyna_desktop.export'" in text
    assert "ok   independent step" in text  # a failure does not stop the steps after it
    assert "FAIL check store" in text and "it needs open store, which failed" in text
    assert "FAILED (3 of 4 steps: compile EPUB, open store, check store)" in text
