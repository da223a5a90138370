"""Writing-quality benchmark (issue 9): what the model writes, measured, on a shipped corpus.

Prints figures; it is not a test. The corpus is bench/data/quality_corpus.json over
bench/data/pride_and_prejudice_ch1-5.txt (public domain; the files say where they come from).
`--corpus alice_questions.json` asks held-out questions about bench/data/alice_ch1-2.txt (chat
only). With `--corpus quality_corpus_zh.json` a Chinese one over bench/data/kuangren_riji_1-4.txt
(Lu Xun, public domain), measured by character (issue 17): ratio in characters, recall of the
draft's content character bigrams, distinct character trigrams, leaks as runs of 10 characters,
and the share of CJK characters in what the model added (target >= 0.8); new names are not
measured there (Chinese has no capitals to find them by).
A book is built in a temporary store (one chapter bucket per chapter, the notes in a
characters bucket), then:

- each draft is expanded by the text-expansion processor, as a blob in its chapter;
  per draft and as means: ratio (target 2.5-5), recall of the draft's content words
  (>= 0.85), new names per 100 words (<= 0.5), distinct trigrams (>= 0.9), leaks (0),
  seconds per 100 draft words and seconds to the first streamed text;
- each question goes to the chat processor in a conversation attached to the book: a reply
  is right when it contains a known answer and its sources name the answer's chapter blob
  (target >= 90%); an out-of-book question must get the "not in your project" refusal (100%).

    PYTHONPATH=$PWD .venv/bin/python bench/quality_bench.py [--only expansion|chat] [--limit N] [--corpus FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from reyna_desktop.llm.model_files import default_model_path
from reyna_desktop.models import Event
from reyna_desktop.processors import prompt_texts, text_expansion
from reyna_desktop.processors.chat import create_conversation, send_message
from reyna_desktop.processors.expansion_checks import has_label
from reyna_desktop.processors.language import cjk_share, content_bigrams
from reyna_desktop.processors.runner import JobRunner
from reyna_desktop.processors.text_chunks import sentences
from reyna_desktop.settings import LLMSettings, Settings
from reyna_desktop.store import Store
from reyna_desktop.store.text import has_unspaced_script, word_count

DATA = Path(__file__).parent / "data"
_WORD = re.compile(r"[A-Za-z’'-]+")
_NAME = re.compile(r"(?<![.!?…“\"‘]\s)(?<!^)\b([A-Z][a-z’']+)")
LABEL = re.compile(r"\b(Draft|Passage|Text|Summary|Notes?|Synopsis|Question|Answer|User|Assistant)\s*:")
STOP_WORDS = frozenset(
    "about above after again against also among been before being below between both could does doing down during "
    "each every from further have having here herself himself however into itself just more most much must myself "
    "never once only other ought ourselves over same shall should some such than that their theirs them themselves "
    "then there these they this those through under until upon very were what when where which while whom whose "
    "will with within without would your yours yourself yourselves said says the and".split()
)
REFUSAL = re.compile(r"does not mention|not in your project|doesn.t mention|"
                     + "|".join(re.escape(t.not_mentioned.split("{")[0][:12]) for t in prompt_texts.TEXTS.values()),
                     re.IGNORECASE)
CJK_RUN = 10  # characters in a row copied from the prompt's material count as a leak


# -- measures -----------------------------------------------------------------------------

def words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_stems(text: str) -> set[str]:
    """Content words (4+ letters, not stop words) matched on their first 5 letters."""
    return {w.lower()[:5] for w in words(text) if len(w) >= 4 and w.lower() not in STOP_WORDS}


def recall(draft: str, expansion: str) -> float:
    wanted = content_stems(draft)
    return len(wanted & content_stems(expansion)) / max(1, len(wanted))


def new_names(expansion: str, known_text: str) -> list[str]:
    """Capitalised words not at a sentence start that the draft, chapter and notes never use."""
    known = {w.lower() for w in words(known_text)}
    found = []
    for sentence in re.split(r"(?<=[.!?…])[\"'”’)]*\s+|\n+", expansion):
        tokens = words(sentence)
        for token in tokens[1:]:
            bare = re.sub(r"[’']s$", "", token.lower())
            if token[0].isupper() and bare not in known and bare not in ("i", "i’m", "i'm", "i’ll", "i'll"):
                found.append(token)
    return found


def distinct_trigrams(text: str) -> float:
    tokens = [w.lower() for w in words(text)]
    grams = [tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)]
    return len(set(grams)) / len(grams) if grams else 1.0


def prompt_material(module: Any) -> list[str]:
    """Every long string the processor module declares (examples, guidance): its prompt material."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if len(value.split()) >= 8:
                found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name))

    for name, value in vars(module).items():
        if name.isupper():
            walk(value)
    return found


def leaks(expansion: str, draft: str, material: list[str], n: int = 6) -> int:
    """Labels, plus 6-word runs copied from the prompt's examples that the draft does not have."""
    def grams(text: str) -> set[tuple[str, ...]]:
        t = [w.lower() for w in words(text)]
        return {tuple(t[i:i + n]) for i in range(len(t) - n + 1)}

    out = grams(expansion) - grams(draft)
    example = set().union(*(grams(m) for m in material)) if material else set()
    return len(LABEL.findall(expansion)) + (1 if out & example else 0)


# -- the same measures by character, for Chinese and Japanese -----------------------------

def characters(text: str) -> list[str]:
    return [c for c in text if has_unspaced_script(c)]


def cjk_recall(draft: str, expansion: str) -> float:
    wanted = content_bigrams(draft)
    return len(wanted & content_bigrams(expansion)) / max(1, len(wanted))


def cjk_distinct_trigrams(text: str) -> float:
    chars = characters(text)
    grams = ["".join(chars[i:i + 3]) for i in range(len(chars) - 2)]
    return len(set(grams)) / len(grams) if grams else 1.0


def cjk_leaks(expansion: str, draft: str, material: list[str], n: int = CJK_RUN) -> int:
    """Labels of any language's prompt, plus 10-character runs copied from the prompt's examples."""
    def grams(text: str) -> set[str]:
        chars = "".join(characters(text))
        return {chars[i:i + n] for i in range(len(chars) - n + 1)}

    example = set().union(*(grams(m) for m in material)) if material else set()
    return int(has_label(expansion)) + (1 if (grams(expansion) - grams(draft)) & example else 0)


def added_text(draft: str, expansion: str) -> str:
    """What the model wrote: the expansion without the draft's sentences."""
    for sentence in sentences(draft):
        expansion = expansion.replace(sentence, " ", 1)
    return expansion


# -- the book -----------------------------------------------------------------------------

def load_chapters(corpus: dict[str, Any]) -> list[tuple[str, str]]:
    raw = (DATA / corpus["book_file"]).read_text(encoding="utf-8")
    body = "\n".join(line for line in raw.splitlines() if not line.startswith("# "))
    chapters = []
    for part in body.split("\n## ")[1:]:
        title, _, text = part.partition("\n")
        chapters.append((title.strip(), text.strip()))
    return chapters


def build_book(store: Store, corpus: dict[str, Any]) -> tuple[str, dict[str, tuple[str, str]], str]:
    """The book bucket id, chapter title -> (bucket id, chapter blob id), and the notes' text
    (a corpus without notes gets no characters bucket)."""
    book = store.buckets.create(corpus.get("book_title", "Pride and Prejudice"), "book",
                                metadata={"language": corpus.get("language", "en")})
    chapters: dict[str, tuple[str, str]] = {}
    for title, text in load_chapters(corpus):
        bucket = store.buckets.create(title, "chapter", parent_id=book.id)
        blob = store.blobs.create({"content": text}, bucket_ids=[bucket.id], title=title)
        chapters[title] = (bucket.id, blob.id)
    notes = corpus.get("notes")
    if not notes:
        return book.id, chapters, ""
    people = store.buckets.create("Characters", "characters", parent_id=book.id)
    store.blobs.create({"content": notes["characters"]}, bucket_ids=[people.id], title="Characters")
    store.blobs.create({"content": notes["places"]}, bucket_ids=[people.id], title="Places")
    return book.id, chapters, f"{notes['characters']}\n{notes['places']}"


class FirstText:
    """Bus subscriber: when each job's first streamed text arrived."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.lock = threading.Lock()

    def on_event(self, event: Event) -> None:
        if event.topic == "job.partial":
            with self.lock:
                self.at.setdefault(str(event.payload.get("job_id")), time.perf_counter())


# -- the runs -----------------------------------------------------------------------------

def run_expansions(store: Store, runner: JobRunner, corpus: dict[str, Any], limit: int | None,
                   params: dict[str, Any]) -> list[dict[str, Any]]:
    _, chapters, notes = build_book(store, corpus)
    texts = dict(load_chapters(corpus))
    first = FirstText()
    store.bus.subscribe("job.*", first.on_event)
    material = prompt_material(text_expansion) + prompt_material(prompt_texts)
    by_character = corpus.get("language") in ("zh", "ja")
    rows = []
    for index, item in enumerate(corpus["drafts"][:limit]):
        bucket_id, _ = chapters[item["chapter"]]
        draft = item["text"]
        blob = store.blobs.create({"content": draft}, bucket_ids=[bucket_id], title=f"Draft {index + 1}")
        began = time.perf_counter()
        job = runner.submit("text-expansion", {"blob_id": blob.id}, params)
        done = runner.wait(job.id, 900)
        took = time.perf_counter() - began
        if done.state != "succeeded":
            rows.append({"item": index + 1, "error": done.error})
            print(f"draft {index + 1}: FAILED {done.error}", flush=True)
            continue
        expansion = store.blobs.data(done.result_blob_id or "")["expanded"]
        row: dict[str, Any] = {"item": index + 1, "expansion": expansion,
                               "first_text_s": first.at.get(job.id, time.perf_counter()) - began}
        if by_character:
            row.update(ratio=word_count(expansion) / word_count(draft), recall=cjk_recall(draft, expansion),
                       distinct_trigrams=cjk_distinct_trigrams(expansion), leaks=cjk_leaks(expansion, draft, material),
                       cjk_share_added=cjk_share(added_text(draft, expansion)),
                       s_per_100_words=100 * took / word_count(draft), names=[])
        else:
            names = new_names(expansion, f"{draft}\n{texts[item['chapter']]}\n{notes}")
            n_words = len(words(expansion))
            row.update(ratio=n_words / len(words(draft)), recall=recall(draft, expansion),
                       new_names_per_100=100 * len(names) / max(1, n_words),
                       distinct_trigrams=distinct_trigrams(expansion), leaks=leaks(expansion, draft, material),
                       s_per_100_words=100 * took / len(words(draft)), names=names)
        rows.append(row)
        figures = (f"CJK share of the added text {row['cjk_share_added']:.2f}" if by_character
                   else f"names/100 {row['new_names_per_100']:.2f} {row['names']}")
        print(f"draft {index + 1}: ratio {row['ratio']:.2f} recall {row['recall']:.2f} "
              f"{figures} trigrams {row['distinct_trigrams']:.2f} "
              f"leaks {row['leaks']} s/100 units {row['s_per_100_words']:.1f} first {row['first_text_s']:.1f}s\n"
              f"  DRAFT: {draft}\n  OUT:   {expansion}", flush=True)
    return rows


def run_chat(store: Store, runner: JobRunner, corpus: dict[str, Any], limit: int | None) -> list[dict[str, Any]]:
    book_id, chapters, _ = build_book(store, corpus)
    conversation = create_conversation(store, "Bench", attached_bucket_id=book_id)
    items = [(q, True) for q in corpus["questions"][:limit]] + [(q, False) for q in corpus["out_of_book"]]
    rows = []
    for index, (item, in_book) in enumerate(items):
        began = time.perf_counter()
        _, job = send_message(store, runner, conversation.id, item["q"])
        done = runner.wait(job.id, 600)
        took = time.perf_counter() - began
        if done.state != "succeeded":
            rows.append({"in_book": in_book, "ok": False, "error": done.error})
            print(f"Q{index + 1} FAILED {done.error}", flush=True)
            continue
        reply = store.blobs.data(done.result_blob_id or "")
        content = str(reply.get("content", ""))
        cited = [s["blob_id"] for s in reply.get("sources", [])]
        if in_book:
            answered = any(a in content if has_unspaced_script(a)
                           else re.search(rf"\b{re.escape(a)}\b", content, re.IGNORECASE) for a in item["answers"])
            cites = chapters[item["chapter"]][1] in cited
            ok = answered and cites
            verdict = f"answer {'yes' if answered else 'NO'} cites {'yes' if cites else 'NO'}"
        else:
            ok = bool(REFUSAL.search(content))
            verdict = "refused" if ok else "ANSWERED"
        rows.append({"in_book": in_book, "ok": ok, "seconds": took})
        flat = " ".join(content.split())
        print(f"Q{index + 1} [{'in' if in_book else 'out'}] {verdict} ({took:.1f}s) {item['q']}\n  -> {flat[:400]}",
              flush=True)
    return rows


def mean(rows: list[dict[str, Any]], key: str) -> float:
    values = [r[key] for r in rows if key in r]
    return statistics.fmean(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="a GGUF file (default: the bundled Gemma 3 270M)")
    parser.add_argument("--only", choices=["expansion", "chat"], default=None)
    parser.add_argument("--limit", type=int, default=None, help="only the first N drafts / questions")
    parser.add_argument("--corpus", default="quality_corpus.json",
                        help="a corpus in bench/data (alice_questions.json: held-out chat questions, no drafts; "
                             "quality_corpus_zh.json: the Chinese one)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--n-ctx", type=int, default=None, help="context size (default: the app's setting)")
    parser.add_argument("--param", action="append", default=[], help="a text-expansion param, KEY=JSON")
    args = parser.parse_args()

    corpus = json.loads((DATA / args.corpus).read_text(encoding="utf-8"))
    corpus.setdefault("book_file", "pride_and_prejudice_ch1-5.txt")
    llm: dict[str, Any] = {"model_path": str(args.model or default_model_path()), "n_threads": args.threads, "seed": 1}
    if args.n_ctx:
        llm["n_ctx"] = args.n_ctx
    settings = Settings(llm=LLMSettings(**llm))
    params = {k: json.loads(v) for k, v in (p.split("=", 1) for p in args.param)}
    print(f"model {Path(llm['model_path']).name}, n_ctx {settings.llm.n_ctx}, temperature {settings.llm.temperature}, "
          f"params {params}", flush=True)
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder)) as store:
        runner = JobRunner(store, settings)
        runner.start()
        try:
            if args.only in (None, "expansion") and corpus.get("drafts"):
                rows = [r for r in run_expansions(store, runner, corpus, args.limit, params) if "ratio" in r]
                print("\nEXPANSION means over", len(rows), "drafts:")
                names = (("cjk_share_added", ">= 0.8") if corpus.get("language") in ("zh", "ja")
                         else ("new_names_per_100", "<= 0.5"))
                for key, target in [("ratio", "2.5-5"), ("recall", ">= 0.85"), names,
                                    ("distinct_trigrams", ">= 0.9"), ("leaks", "0"), ("s_per_100_words", ""),
                                    ("first_text_s", "")]:
                    print(f"  {key:20s} {mean(rows, key):7.2f}   target {target}")
            if args.only in (None, "chat"):
                chat_rows = run_chat(store, runner, corpus, args.limit)
                inside = [r for r in chat_rows if r["in_book"]]
                outside = [r for r in chat_rows if not r["in_book"]]
                print("\nCHAT:")
                print(f"  answered and cited  {sum(r['ok'] for r in inside)}/{len(inside)} "
                      f"({100 * sum(r['ok'] for r in inside) / max(1, len(inside)):.0f}%)   target >= 90%")
                print(f"  out-of-book refused {sum(r['ok'] for r in outside)}/{len(outside)} "
                      f"({100 * sum(r['ok'] for r in outside) / max(1, len(outside)):.0f}%)   target 100%")
                print(f"  seconds per reply   {mean(chat_rows, 'seconds'):.1f}")
        finally:
            runner.stop()


if __name__ == "__main__":
    main()
