"""The ``istio-events-bot`` command: index, ask, eval, chat, serve, bench."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path

from embeddings.config import Settings

logger = logging.getLogger("istio_events_bot")


def _settings(args: argparse.Namespace) -> Settings:
    """The index part of the settings ``main`` built (``--docs`` and ``--index`` already applied)."""
    return args.settings.index_settings


def _answerer(args: argparse.Namespace, progress: bool = True):
    from bot.core.answerer import Answerer

    return Answerer.from_settings(_settings(args), progress=progress and sys.stderr.isatty())


def update_index(settings: Settings, force: bool = False, errors: list[str] | None = None) -> str | None:
    """Build or update the index, warn about skipped files, and return the one-line summary (None when
    nothing could be indexed or the index cannot be written: the error is printed, one line, and added to
    ``errors`` when given)."""
    from embeddings.index import NothingIndexed, NotWritable, build_index

    try:
        report = build_index(settings, progress=True, force=force)
    except (NothingIndexed, NotWritable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        if errors is not None:
            errors.append(str(exc))
        return None
    for problem in report.problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    state = "rebuilt" if report.rebuilt else "up to date"
    return (
        f"index {state} at {settings.index_dir}: {report.posts} posts, {report.sessions} sessions, "
        f"{report.events} events, {report.passages} passages "
        f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f}s"
        + (f" [{report.reason}]" if report.rebuilt else "")
    )


def cmd_index(args: argparse.Namespace) -> int:
    summary = update_index(_settings(args), force=args.force)
    if summary is None:
        return 1
    print(summary)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from embeddings.index import IndexUnavailable, NothingIndexed, NotWritable

    try:
        answerer = _answerer(args)
    except (IndexUnavailable, NothingIndexed, NotWritable) as exc:  # a damaged index is rebuilt; these remain
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from bot.render.json_reply import reply_dict
    from bot.render.text import render_text

    reply = answerer.ask(args.question, lang=args.lang)
    print(json.dumps(reply_dict(reply), ensure_ascii=False, indent=2) if args.json else render_text(reply))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """One question set in detail (``--questions``), or tuning and held-out sets side by side."""
    from bot.core.evaluate import QuestionSetEvaluator, load_questions

    if args.tuning or args.held_out:
        return _eval_sets(args)
    if args.questions is None:
        print("error: give --questions, or --tuning and --held-out sets", file=sys.stderr)
        return 2
    evaluator = QuestionSetEvaluator(load_questions(Path(args.questions)))
    answerer = _answerer(args)
    report = evaluator.run(answerer)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        keys = [k for k in report if k not in {"by_lang", "misses", "cross_lingual"}]
        rows = [("all", report), *report["by_lang"].items()]
        if "cross_lingual" in report:
            rows.append(("cross", report["cross_lingual"]))
        print(f"{'':6}" + "".join(f"{k:>20}" for k in keys))
        for name, values in rows:
            print(f"{name:6}" + "".join(f"{'-' if values[k] is None else values[k]:>20}" for k in keys))
        print(f"misses: {', '.join(report['misses']) or 'none'}")
    if args.explain:
        _explain(evaluator, answerer)
    return 0


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _eval_sets(args: argparse.Namespace) -> int:
    """Every set on one labelled line (tuning, then held-out), then the two kinds pooled, side by side."""
    from bot.core.evaluate import HEADLINE, Outcome, QuestionSetEvaluator, load_questions, pooled

    answerer = _answerer(args)
    outcomes: dict[str, list[Outcome]] = {"tuning": [], "held-out": []}
    sets: list[dict[str, object]] = []
    for kind, paths in (("tuning", args.tuning or []), ("held-out", args.held_out or [])):
        for path in paths:
            if not path.is_file():
                print(f"{kind:9} {path}: missing (../shared/ not beside this checkout?), skipped", flush=True)
                continue
            evaluator = QuestionSetEvaluator(load_questions(path))
            report = evaluator.run(answerer)
            outcomes[kind] += evaluator.outcomes
            sets.append({"kind": kind, "set": str(path), **{k: v for k, v in report.items() if k != "misses"}})
            if not args.json:
                figures = "  ".join(f"{k} {_figure(report[k])}" for k in HEADLINE)
                print(f"{kind:9} {path.name:42} n {report['n']:4}  {figures}  | recall@5 {_figure(report['recall@5'])}",
                      flush=True)
    pools = {kind: pooled(items) for kind, items in outcomes.items() if items}
    if args.json:
        print(json.dumps({"sets": sets, "pooled": pools}, ensure_ascii=False, indent=2))
        return 0
    rows = [("questions", "n"), ("answerable", "answerable"), *((k, k) for k in HEADLINE),
            ("cross-lingual answerable", "cross"),
            ("recall@1, answer only in another language", "cross_recall@1"),
            ("recall@5 (diagnostic)", "recall@5")]
    print()
    print(f"{'pooled':42}" + "".join(f"{kind:>12}" for kind in pools))
    for label, key in rows:
        cells = (pool[key] if isinstance(pool[key], int) else _figure(pool[key]) for pool in pools.values())
        print(f"{label:42}" + "".join(f"{cell:>12}" for cell in cells))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the learned ranking, then the abstention model over hits in that order, on tuning sets; store both
    beside the other encoders' (bot/core/calibration/)."""
    from bot.core.abstention import calibration_path
    from bot.core.calibrate import AbstentionCalibrator, RankingFitter
    from bot.core.ranking import Ranker, ranker_path

    answerer = _answerer(args)
    fitter = RankingFitter(list(args.questions))
    fitter.collect(answerer)
    ranking = fitter.fit(answerer.index.model)
    out = args.out or calibration_path(answerer.index.model)
    ranking_path = out.parent / ranker_path(answerer.index.model).name
    ranking.save(ranking_path)
    print(f"{ranking_path}: out-of-fold by document {ranking.info['cross_validated_by_document']}")
    answerer.ranker = Ranker(ranking, answerer.ranker.corpus)
    calibrator = AbstentionCalibrator(list(args.questions))
    calibrator.collect(answerer)
    calibration = calibrator.fit(answerer.index.model)
    calibration.save(out)
    print(f"{out}: threshold {calibration.threshold}, out-of-fold {calibration.cross_validated}")
    return 0


def _explain(evaluator, answerer) -> None:
    """For each miss: the question, the top results with per-channel scores, and the relevant rank."""
    from bot.core.evaluate import is_relevant

    for outcome in evaluator.outcomes:
        q = outcome.question
        if (q.abstain and outcome.answer.abstained) or (not q.abstain and outcome.rank == 1):
            continue
        found = next((i + 1 for i, h in enumerate(outcome.hits) if is_relevant(h.passage, q.relevant)), None)
        print(f"\n{q.id} [{q.lang}] {q.question}", file=sys.stderr)
        state = "abstained" if outcome.answer.abstained else "answered"
        expected = "abstain" if q.abstain else q.relevant
        print(f"  {state}; expected {expected}; relevant at rank {found}", file=sys.stderr)
        calibration = answerer.abstention.calibration
        if outcome.answer.kind in ("passages", "none"):
            evidence = answerer.evidence(outcome.answer.question, outcome.hits)
            chance = f"{calibration.probability(evidence):.3f}" if calibration else "no calibration"
            print(f"  P(answerable) {chance} · {evidence}", file=sys.stderr)
        for i, hit in enumerate(outcome.hits[:5], 1):
            chans = " ".join(f"{k}={v:.3f}" for k, v in hit.channels.items())
            mark = "*" if is_relevant(hit.passage, q.relevant) else " "
            text = hit.passage.text[:90].replace("\n", " ")
            print(f"  {mark}{i}. {hit.passage.id} score={hit.score:.4f} {chans}\n      {text}", file=sys.stderr)


def respond(answerer, text: str) -> str:
    """What the terminal chat prints for a line: the slash command's words (help, events, videos) or an answer."""
    from bot.core.commands import reply_to
    from bot.core.reply import ReplyKind
    from bot.core.strings import COMMAND
    from bot.render.text import render_text

    reply = reply_to(answerer, text)
    shown = render_text(reply)
    return shown.replace(f"{COMMAND} ", "") if reply.kind == ReplyKind.HELP else shown  # typed without it here


def cmd_chat(args: argparse.Namespace) -> int:
    print("Loading the index…", file=sys.stderr)
    answerer = _answerer(args)
    print("Ask about Istio events (English, español, 中文), or type help, events or videos. "
          "Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        print(respond(answerer, question))


def cmd_events(args: argparse.Namespace) -> int:
    """The event catalogue from the index (upcoming first, then past), as text or JSON."""
    from bot.core import catalogue as catalog
    from bot.core.compose import events_reply
    from bot.render.json_reply import event_dict
    from bot.render.text import render_text
    from embeddings.index import ensure_index

    index = ensure_index(_settings(args), progress=sys.stderr.isatty())
    today = args.today or dt.date.today()
    upcoming, past = catalog.events(index, today, " ".join(args.filter))
    if args.ics:
        from bot.render.ics import events_ics

        ics = events_ics([*upcoming, *reversed(past)], args.lang)
        if args.ics == "-":
            sys.stdout.buffer.write(ics)
        else:
            Path(args.ics).write_bytes(ics)
        return 0
    if args.json:
        data = {"today": today.isoformat(), "upcoming": [event_dict(e, args.lang) for e in upcoming],
                "past": [event_dict(e) for e in past]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render_text(events_reply(upcoming, past, args.lang, " ".join(args.filter))))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The gap report from the store (``DATABASE_URL``, else the SQLite file in ``CACHE_DIR``)."""
    from bot.store import Store, StoreError
    from bot.store.report import gap_report, parse_since

    try:
        since = parse_since(args.since)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        store = Store.from_settings(args.settings.store_settings)  # --database-url applied by main
        try:
            report = gap_report(store, since)
        finally:
            store.close()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.to_text())
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    """Post the reminders due today in subscribed channels (a daily tick: cron, a scheduler; any host, any
    number of times a day: each reminder goes out once per channel), and any notice still pending."""
    from bot.slack.announce import remind
    from bot.slack.app import create_web_client
    from bot.store import Store, StoreError
    from embeddings.documents import load_corpus

    settings = args.settings
    config = settings.slack_config
    if not config.bot_token:
        print("error: SLACK_BOT_TOKEN is not set: reminders are posted to Slack", file=sys.stderr)
        return 2
    index = _settings(args)
    catalogue = load_corpus(index.docs_dir, index.base_url, index.max_document_bytes).events
    today = args.today or dt.date.today()
    try:
        with Store.from_settings(settings.store_settings) as store:
            outcome = remind(store, create_web_client(config.bot_token, config.api_url), catalogue, today)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"today": today.isoformat(), **vars(outcome)}))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.slack.server import serve

    settings = args.settings
    index_flags = [*(["--docs", str(args.docs)] if args.docs else []),
                   *(["--index", str(args.index)] if args.index else [])]
    serve(_settings(args), settings.slack_config, store=settings.store_settings, options=settings.bot_options,
          sync_interval=settings.sync_interval, sync_command=["sync", *index_flags])
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """The benchmarks live outside the runtime package (``benchmarks/``): imported only when asked for."""
    from benchmarks.run import main as bench_main

    return bench_main(args)


def cmd_sync(args: argparse.Namespace) -> int:
    """Fetch istio.io and the events repo, refresh docs/ from them, then update the index (embeddings/sources.py).

    A source that cannot be fetched or read is one line and status 2, and docs/ and the index are left as
    they were; a broken source file is reported by name and skipped."""
    from dataclasses import replace

    from embeddings.sources import record_status, run_sync

    settings = _settings(args)
    options = args.settings
    istio_io = args.istio_io or options.istio_io_repo
    # --istio-io alone syncs istio.io alone (as it always did); with no flags both settings are synced
    programs = None if args.no_programs or (args.istio_io and not args.programs) else (
        args.programs or options.events_repo)
    labels = ("--istio-io" if args.istio_io else "ISTIO_IO_REPO", "--programs" if args.programs else "EVENTS_REPO")
    outcome = run_sync(istio_io, programs, settings.docs_dir, settings.cache_dir, dry_run=args.dry_run,
                       labels=labels, log_errors=False)
    if not outcome.ok or outcome.report is None:
        print(f"error: {outcome.error}", file=sys.stderr)
        return 2 if outcome.stage in ("lock", "fetch") else 1
    plan = outcome.report
    if not args.json:
        print("\n".join(plan.lines()))
    sources = outcome.sources
    if args.dry_run:
        if args.json:
            print(json.dumps({**plan.to_dict(), "sources": sources, "dry_run": True, "index": None},
                             ensure_ascii=False, indent=2))
        return 0
    errors: list[str] = []
    summary = update_index(settings, errors=errors)
    if summary is None:
        record_status(settings.cache_dir, replace(outcome, ok=False, stage="index",
                                                  error="; ".join(errors) or "the index was not updated"))
        return 1
    if args.json:
        print(json.dumps({**plan.to_dict(), "sources": sources, "dry_run": False, "index": summary},
                         ensure_ascii=False, indent=2))
    else:
        print(summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="istio-events-bot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--docs", type=Path, help="posts directory (default: the project's docs/ or $DOCS_DIR)")
    common.add_argument("--index", type=Path, help="index directory (default: a cache keyed by --docs)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", parents=[common], help="build or update the index")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="answer one question")
    p.add_argument("question")
    p.add_argument("--lang", help="the question's language (default: detected)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", parents=[common], help="score retrieval on a question set, or tuning vs held-out")
    p.add_argument("--questions", type=Path, help="one set, in detail (by language, cross-lingual, misses)")
    p.add_argument("--tuning", type=Path, action="append", help="a tuning set (repeatable): one line each, pooled")
    p.add_argument("--held-out", type=Path, action="append", help="a held-out set (repeatable): one line each, pooled")
    p.add_argument("--json", action="store_true")
    p.add_argument("--explain", action="store_true", help="show each miss with per-channel scores")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("calibrate", parents=[common],
                       help="fit the ranking and when to say \"I don't know\" on tuning sets")
    p.add_argument("--questions", required=True, type=Path, action="append", help="a tuning set (repeatable)")
    p.add_argument("--out", type=Path, help="where to write the abstention model (default: "
                   "bot/core/calibration/<encoder>.json); the ranking goes beside it as <encoder>.ranker.json")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("chat", parents=[common], help="ask questions in the terminal, as the bot would answer")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("events", parents=[common], help="the event catalogue: upcoming first, then past")
    p.add_argument("filter", nargs="*", help="a year or words of an event's name or place")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", default="en", help="language of dates and labels (en, es, zh)")
    p.add_argument("--today", type=dt.date.fromisoformat, help="ISO date that upcoming is counted from")
    p.add_argument("--ics", nargs="?", const="-", metavar="FILE",
                   help="write the catalogue as iCalendar (dated events) to FILE, or to stdout without one")
    p.set_defaults(func=cmd_events)

    p = sub.add_parser("report", help="questions declined, answers voted down, most asked topics, per language")
    p.add_argument("--since", default="7d", help="how far back: 30m, 24h, 7d, 2w (default 7d)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--database-url", help="the store (default: $DATABASE_URL, else the SQLite file in CACHE_DIR)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("remind", parents=[common], help="post the reminders due today in subscribed channels")
    p.add_argument("--today", type=dt.date.fromisoformat, help="ISO date to remind for (default: today)")
    p.add_argument("--database-url", help="the store (default: $DATABASE_URL, else the SQLite file in CACHE_DIR)")
    p.set_defaults(func=cmd_remind)

    p = sub.add_parser("serve", parents=[common], help="run the Slack app (Socket Mode or HTTP)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bench", parents=[common], help="measure start-up, replies, indexing, memory, scale")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="fewer repetitions, no 1M figures (a check, not figures)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("sync", parents=[common], help="refresh docs/ from istio.io and the events repo, then index")
    p.add_argument("--istio-io", help="istio/istio.io: a git URL or bare repository (cloned into the cache) or a "
                                      "checkout (read as it is); default $ISTIO_IO_REPO, else GitHub's")
    events = p.add_mutually_exclusive_group()
    events.add_argument("--programs", help="the events.istio.io repo (softwareguru/istio-events), likewise; "
                                           "default $EVENTS_REPO, else GitHub's")
    events.add_argument("--no-programs", action="store_true", help="sync istio.io only (programs left alone)")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write nothing, skip the index")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sync)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    noisy_loggers = ("faiss.loader", "sentence_transformers", "jieba", "httpx", "bm25s", "urllib3",
                     "alembic.runtime.plugins")
    for noisy in noisy_loggers:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from bot.settings import ConfigError, load_settings

    try:  # the one place settings are read: a bad value is one line and status 2, whatever the subcommand
        args.settings = load_settings(docs_dir=getattr(args, "docs", None), index_dir=getattr(args, "index", None),
                                      database_url=getattr(args, "database_url", None))
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
