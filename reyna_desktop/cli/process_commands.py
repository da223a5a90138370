"""`reyna process`, `reyna jobs`, `reyna chat`: processors and jobs from the command line.

No daemon runs jobs, so these commands run the job runner inside the CLI process until the
jobs they queued have finished; `--wait` only changes what is printed (each job's result, not
just its id and state). When the app is open it owns the queue: then the CLI only queues the
jobs (the app runs them) and, with `--wait`, waits for them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reyna_desktop.cli.output import CommandContext, CommandFailed, add_command, parse_pairs
from reyna_desktop.models import Job
from reyna_desktop.processors.runner import JobRunner

STATES = ("pending", "running", "succeeded", "failed", "cancelled")


def register(subparsers: Any) -> None:
    process = add_command(subparsers, "process", run_process, "run a processor on a blob or on a bucket tree",
                          format_jobs)
    process.add_argument("target", help="a blob id or a bucket id")
    process.add_argument("--processor", required=True, help="processor id (e.g. text-expansion)")
    process.add_argument("--recursive", action="store_true", help="include the bucket's sub-buckets")
    process.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                         help="only blobs with schema=<id> or tag=<tag> (repeatable)")
    process.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                         help="a processor parameter, e.g. ratio=4 or style=formal (repeatable)")
    process.add_argument("--wait", action="store_true", help="print each job's result, not just its id")
    process.add_argument("--timeout", type=float, default=None, help="give up waiting after this many seconds")

    jobs = add_command(subparsers, "jobs", list_jobs, "list jobs; `jobs cancel ID`, `jobs retry ID`", format_jobs)
    jobs.add_argument("--state", action="append", choices=STATES, help="only jobs in this state (repeatable)")
    actions = jobs.add_subparsers(dest="jobs_action", metavar="ACTION")
    for name, handler, text in (("cancel", cancel_job, "stop a job (a pending one never starts)"),
                                ("retry", retry_job, "run a failed or cancelled job again, and wait for it")):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("job_id")
        action.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
        action.set_defaults(handler=handler, formatter=format_jobs)

    chat = add_command(subparsers, "chat", run_chat, "ask one question in a conversation (or about any bucket)",
                       format_chat)
    chat.add_argument("bucket", help="a conversation or thread bucket, or a bucket to talk about")
    chat.add_argument("question")
    chat.add_argument("--timeout", type=float, default=None)


@contextmanager
def running(ctx: CommandContext) -> Iterator[JobRunner]:
    runner = JobRunner(ctx.store)
    runner.start()
    try:
        yield runner
    finally:
        runner.stop()


def param_values(pairs: list[str]) -> dict[str, Any]:
    """Values are read as JSON where they parse (4, 0.5, true, null), else kept as text."""
    params: dict[str, Any] = {}
    for key, value in parse_pairs(pairs, "param").items():
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def filter_values(pairs: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        key, value = next(iter(parse_pairs([pair], "filter").items()))
        filters.setdefault(key, []).append(value)
    return filters


def run_process(ctx: CommandContext) -> list[dict[str, Any]]:
    args = ctx.args
    with running(ctx) as runner:
        queued = runner.process_target(args.target, args.processor, recursive=args.recursive,
                                       filters=filter_values(args.filter), params=param_values(args.param))
        if not runner.owns_queue and not args.wait:
            return [summary(ctx, job, detail=False) for job in queued]
        done = runner.wait_all([j.id for j in queued], args.timeout)
        runner.router.check_pending_batches()
    return finish(ctx, done, detail=args.wait)


def list_jobs(ctx: CommandContext) -> list[dict[str, Any]]:
    # Not started: listing and cancelling only read and flag rows (the queue's owner acts on flags).
    runner = JobRunner(ctx.store)
    return [summary(ctx, job, detail=False) for job in runner.jobs(ctx.args.state)]


def cancel_job(ctx: CommandContext) -> list[dict[str, Any]]:
    return [summary(ctx, JobRunner(ctx.store).cancel(ctx.args.job_id), detail=False)]


def retry_job(ctx: CommandContext) -> list[dict[str, Any]]:
    with running(ctx) as runner:
        job = runner.retry(ctx.args.job_id)
        done = runner.wait(job.id) if runner.owns_queue else job
    return finish(ctx, [done], detail=True)


def run_chat(ctx: CommandContext) -> dict[str, Any]:
    from reyna_desktop.processors.chat import conversation_for, send_message

    with running(ctx) as runner:
        conversation = conversation_for(ctx.store, ctx.args.bucket)
        message, job = send_message(ctx.store, runner, conversation.id, ctx.args.question)
        job = runner.wait(job.id, ctx.args.timeout)
    if job.state != "succeeded" or not job.result_blob_id:
        raise CommandFailed({"conversation_id": conversation.id, "message_id": message.id, "job_id": job.id,
                             "state": job.state, "error": job.error})
    reply = ctx.store.blobs.data(job.result_blob_id)
    return {"conversation_id": conversation.id, "message_id": message.id, "reply_id": job.result_blob_id,
            "job_id": job.id, "reply": reply["content"], "sources": reply.get("sources", [])}


def finish(ctx: CommandContext, jobs: list[Job], *, detail: bool) -> list[dict[str, Any]]:
    result = [summary(ctx, job, detail=detail) for job in jobs]
    if any(job.state == "failed" for job in jobs):
        raise CommandFailed(result)
    return result


def summary(ctx: CommandContext, job: Job, *, detail: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"job_id": job.id, "processor_id": job.processor_id, "state": job.state,
                           "input": job.input, "attempts": job.attempts}
    if job.error:
        out["error"] = job.error
    if job.result_blob_id:
        out["result_blob_id"] = job.result_blob_id
        if detail:
            out["result_text"] = ctx.store.blobs.text(job.result_blob_id)
    if job.partial_text and job.state == "cancelled":
        out["draft_text"] = job.partial_text
    return out


def format_jobs(result: list[dict[str, Any]]) -> str:
    lines = []
    for job in result:
        target = job["input"].get("blob_id") or job["input"].get("bucket_id")
        line = f"{job['job_id']}\t{job['processor_id']}\t{job['state']}\t{target}"
        if job.get("result_blob_id"):
            line += f"\t→ {job['result_blob_id']}"
        if job.get("error"):
            line += f"\t{job['error']}"
        lines.append(line)
        if job.get("result_text"):
            lines.append(job["result_text"].strip() + "\n")
    return "\n".join(lines) or "no jobs"


def format_chat(result: dict[str, Any]) -> str:
    text = result.get("reply") or f"({result.get('state')}: {result.get('error')})"
    sources = result.get("sources") or []
    if sources:
        text += "\n\nSources:\n" + "\n".join(f"  {s['blob_id']}  {s.get('title', '')}" for s in sources)
    return text
