"""Job runner benchmark: how long a cancel takes to stop a generation that is streaming.

Prints figures; it is not a test (tests/processors only check that a cancel stops the job).
Target: cancel to `cancelled` < 500 ms (the runner checks for a cancel between tokens).

    .venv/bin/python bench/runner_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from reyna_desktop.llm.model_files import default_model_path
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.settings import LLMSettings, Settings
from reyna_desktop.store import Store

DRAFT = "The storm came in from the sea at dusk. The keeper lit the lamp and waited for the boat."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    settings = Settings(llm=LLMSettings(model_path=str(default_model_path()), n_threads=2, seed=1))
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder)) as store:
        bucket = store.buckets.create("Bench", "chapter")
        runner = JobRunner(store, settings)
        runner.start()
        latencies = []
        try:
            for run in range(args.runs):
                blob = store.blobs.create({"content": f"{DRAFT} ({run})"}, bucket_ids=[bucket.id])
                streaming = threading.Event()
                sub = store.bus.subscribe("job.partial", lambda e, started=streaming: started.set())
                job = runner.submit("text-expansion", {"blob_id": blob.id}, {"max_tokens": 400})
                if not streaming.wait(120):
                    raise SystemExit("no token within 120 s")
                started = time.perf_counter()
                runner.cancel(job.id)
                done = runner.wait(job.id, 30)
                latencies.append((time.perf_counter() - started) * 1000)
                store.bus.unsubscribe(sub)
                if done.state != "cancelled":
                    raise SystemExit(f"job ended {done.state}, not cancelled")
        finally:
            runner.stop()
    print(f"cancel while streaming -> cancelled: median {statistics.median(latencies):.0f} ms, "
          f"max {max(latencies):.0f} ms over {len(latencies)} runs   (target < 500 ms)")


if __name__ == "__main__":
    main()
