"""Model manager benchmark: download throughput and the time from "use" to the first token.

Prints figures; it is not a test.
- download: the default model's GGUF (253 MB) served by a loopback HTTP server
  (tests/llm/model_server.py), fetched by the app's Download with its sha256 and GGUF checks;
  MB/s over the transfer alone, and for the whole call including the checks
- use → first token: `reyna models use` writes the settings; then the app loads the model
  (shared_backend: header read, memory check, llama.cpp load) and streams a completion;
  the time from reading the saved settings to the first token, and the generation speed

    .venv/bin/python bench/model_bench.py [--runs 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reyna_desktop.llm.catalogue import load_catalogue
from reyna_desktop.llm.downloads import Download, Progress
from reyna_desktop.llm.factory import release_shared, shared_backend
from reyna_desktop.llm.model_files import default_model_path
from reyna_desktop.settings import Settings, load_settings, save_settings
from tests.llm.model_server import ModelServer

PROMPT = "The old lighthouse keeper climbed the stairs every night to"


def download_figures(model: Path, runs: int) -> None:
    sha256 = load_catalogue().get("gemma-3-270m-base").sha256
    transfer, whole = [], []
    with ModelServer(model) as server, tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            marks: dict[str, float] = {}

            def mark(progress: Progress, marks: dict[str, float] = marks) -> None:
                if progress.state == "downloading":
                    marks.setdefault("first", time.perf_counter())
                    marks["last"] = time.perf_counter()

            target = Path(folder) / f"run{run}.gguf"
            began = time.perf_counter()
            Download(server.url, target, size=model.stat().st_size, sha256=sha256, on_progress=mark).run()
            ended = time.perf_counter()
            size_mb = model.stat().st_size / 1e6
            transfer.append(size_mb / (marks["last"] - began))
            whole.append(size_mb / (ended - began))
            target.unlink()
    print(f"download over loopback ({model.stat().st_size / 1e6:.0f} MB, {runs} runs): "
          f"transfer {statistics.median(transfer):.0f} MB/s, with size+sha256+GGUF checks "
          f"{statistics.median(whole):.0f} MB/s (median)")


def use_to_first_token(model: Path, runs: int, threads: int) -> None:
    firsts, speeds = [], []
    for _ in range(runs):
        release_shared()
        settings = Settings()
        save_settings(settings.model_copy(update={"llm": settings.llm.model_copy(
            update={"model_path": str(model), "n_threads": threads, "n_ctx": 2048, "temperature": 0.0})}))
        began = time.perf_counter()
        backend = shared_backend(load_settings().llm, "expansion")
        completion = backend.complete(PROMPT, max_tokens=64, temperature=0.0, seed=1)
        assert completion.first_token_at is not None
        firsts.append(completion.first_token_at - began)
        speeds.append(completion.tokens_per_s)
    release_shared()
    print(f"use -> first token (default model, {threads} threads, {runs} cold loads): "
          f"{statistics.median(firsts) * 1000:.0f} ms median (min {min(firsts) * 1000:.0f} ms); "
          f"generation {statistics.median(speeds):.1f} tokens/s on CPU")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("REYNA_CONFIG_DIR", tempfile.mkdtemp(prefix="reyna-bench-config-"))
    model = default_model_path()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    download_figures(model, args.runs)
    use_to_first_token(model, args.runs, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
