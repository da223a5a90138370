"""Sync benchmark on the 1,000,000-word project of bench/store_bench.py (2,041 buckets, 10,000
blobs). Prints figures; it is not a test. Target: one remote chapter edit applied < 50 ms.

1. first exchange: the whole project from store A to an empty store B (time, folder size);
2. one chapter edit on A, then B's exchange that applies it (median and p95 over --rounds);
3. --edits small edits on A (an exchange every 10 edits): A's update log size, then compaction.

    .venv/bin/python bench/sync_bench.py [--edits 10000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_bench import build, paragraph, vocabulary

from reyna_desktop.store import Store
from reyna_desktop.store.sync_state import BLOB
from reyna_desktop.sync import Sync


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(action: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()  # type: ignore[operator]
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(16)
    words = vocabulary(rng)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        a, b = Store.open(root / "a"), Store.open(root / "b")
        _, blob_ids = build(a, rng, words)
        figures["words"] = sum(len(a.blobs.text(i).split()) for i in blob_ids[:200]) * len(blob_ids) // 200
        sa, sb = Sync.init(a, root / "shared"), Sync.init(b, root / "shared")

        seconds, _ = timed(sa.now)
        figures["first_send_s"] = round(seconds, 2)
        figures["folder_mb_after_first_send"] = round(folder_bytes(root / "shared") / 1e6, 2)
        seconds, result = timed(sb.now)
        figures["first_receive_s"] = round(seconds, 2)
        figures["first_receive_blobs"] = result["blobs_changed"]  # type: ignore[index]
        assert len(b.buckets.all()) == len(a.buckets.all())

        apply_ms, send_ms = [], []
        for _ in range(args.rounds):
            blob_id = rng.choice(blob_ids)
            text = a.blobs.text(blob_id)
            at = rng.randrange(len(text))
            a.blobs.update(blob_id, {"content": text[:at] + " " + paragraph(rng, words, 12) + text[at:]})
            seconds, _ = timed(sa.now)
            send_ms.append(seconds * 1000)
            seconds, _ = timed(sb.now)
            apply_ms.append(seconds * 1000)
            there = sb.state.local_id(BLOB, blob_id)
            assert there is not None and b.blobs.text(there) == a.blobs.text(blob_id)
        figures["chapter_edit_send_ms_median"] = round(statistics.median(send_ms), 1)
        figures["chapter_edit_apply_ms_median"] = round(statistics.median(apply_ms), 1)
        figures["chapter_edit_apply_ms_p95"] = round(sorted(apply_ms)[int(len(apply_ms) * 0.95) - 1], 1)

        log_before = sa.log_size()
        start = time.perf_counter()
        for edit in range(args.edits):
            blob_id = rng.choice(blob_ids)
            text = a.blobs.text(blob_id)
            at = rng.randrange(len(text))
            if edit % 3 == 2:
                new = text[:at] + text[at + rng.randint(1, 20) :]
            else:
                new = text[:at] + rng.choice(words) + " " + text[at:]
            a.blobs.update(blob_id, {"content": new})
            if edit % 10 == 9:
                sa.now()
        sa.now()
        figures["edits"] = args.edits
        figures["edits_s"] = round(time.perf_counter() - start, 1)
        figures["log_mb_after_edits"] = round(sa.log_size() / 1e6, 2)
        figures["log_mb_growth_from_edits"] = round((sa.log_size() - log_before) / 1e6, 2)
        figures["log_files_after_edits"] = len(sa.folder.files(sa.device_id))
        seconds, report = timed(sa.compact)
        figures["compact_s"] = round(seconds, 2)
        figures["log_mb_after_compaction"] = round(report["bytes_after"] / 1e6, 2)  # type: ignore[index]
        seconds, _ = timed(sb.now)
        figures["catch_up_after_edits_s"] = round(seconds, 2)
        sample = rng.sample(blob_ids, 50)
        assert all(b.blobs.text(str(sb.state.local_id(BLOB, i))) == a.blobs.text(i) for i in sample)
        a.close()
        b.close()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
