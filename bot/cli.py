"""The ``istio-events-bot`` command: index, ask, eval, chat, serve, bench."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from pathlib import Path

from embeddings.config import Settings

logger = logging.getLogger("istio_events_bot")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(docs_dir=args.docs, index_dir=args.index)


def _answerer(args: argparse.Namespace, progress: bool = True):
    from bot.answer import Answerer

    return Answerer.from_settings(_settings(args), progress=progress and sys.stderr.isatty())


def cmd_index(args: argparse.Namespace) -> int:
    from embeddings.index import NothingIndexed, build_index

    settings = _settings(args)
    try:
        report = build_index(settings, progress=True, force=args.force)
    except NothingIndexed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for problem in report.problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    state = "rebuilt" if report.rebuilt else "up to date"
    print(
        f"index {state} at {settings.index_dir}: {report.posts} posts, {report.passages} passages "
        f"({report.embedded} embedded, {report.reused} reused) in {report.seconds:.1f}s"
        + (f" [{report.reason}]" if report.rebuilt else "")
    )
    return 0


def render_answer(answer) -> str:
    """The terminal form of an answer: snippets with citations, then the recordings."""
    from bot.i18n import t

    if answer.abstained:
        return t(answer.lang, "dont_know").replace("`", "")
    lines: list[str] = []
    for number, snippet in enumerate(answer.snippets, 1):
        quoted = textwrap.fill(snippet.text.replace("\n", " "), width=96, initial_indent="   ", subsequent_indent="   ")
        lines.append(f"{number}. {quoted.strip()}")
        cite = " · ".join(x for x in (snippet.title, snippet.section, snippet.date, snippet.lang) if x)
        lines.append(f"   — {cite}\n     {snippet.url}")
    if answer.links:
        lines.append("")
        lines.append(t(answer.lang, "videos") + ":")
        lines += [f"  • {link.text} — {link.url}" for link in answer.links]
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    answer = _answerer(args).ask(args.question, lang=args.lang)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_answer(answer))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluate import QuestionSetEvaluator, load_questions

    evaluator = QuestionSetEvaluator(load_questions(Path(args.questions)))
    report = evaluator.run(_answerer(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        keys = [k for k in report if k not in {"by_lang", "misses"}]
        rows = [("all", report), *report["by_lang"].items()]
        print(f"{'':6}" + "".join(f"{k:>20}" for k in keys))
        for name, values in rows:
            print(f"{name:6}" + "".join(f"{'-' if values[k] is None else values[k]:>20}" for k in keys))
        print(f"misses: {', '.join(report['misses']) or 'none'}")
    if args.explain:
        _explain(evaluator)
    return 0


def _explain(evaluator) -> None:
    """For each miss: the question, the top results with per-channel scores, and the relevant rank."""
    from bot.evaluate import is_relevant

    for outcome in evaluator.outcomes:
        q = outcome.question
        if (q.abstain and outcome.answer.abstained) or (not q.abstain and outcome.rank == 1):
            continue
        found = next((i + 1 for i, h in enumerate(outcome.hits) if is_relevant(h.passage, q.relevant)), None)
        print(f"\n{q.id} [{q.lang}] {q.question}", file=sys.stderr)
        state = "abstained" if outcome.answer.abstained else "answered"
        expected = "abstain" if q.abstain else q.relevant
        print(f"  {state}; expected {expected}; relevant at rank {found}", file=sys.stderr)
        for i, hit in enumerate(outcome.hits[:5], 1):
            chans = " ".join(f"{k}={v:.3f}" for k, v in hit.channels.items())
            mark = "*" if is_relevant(hit.passage, q.relevant) else " "
            text = hit.passage.text[:90].replace("\n", " ")
            print(f"  {mark}{i}. {hit.passage.id} score={hit.score:.4f} {chans}\n      {text}", file=sys.stderr)


def cmd_chat(args: argparse.Namespace) -> int:
    print("Loading the index…", file=sys.stderr)
    answerer = _answerer(args)
    print("Ask about Istio events (English, español, 中文). Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        print(render_answer(answerer.ask(question)))


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.server import serve

    serve(_settings(args))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.bench import main as bench_main

    return bench_main(args)


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

    p = sub.add_parser("eval", parents=[common], help="score retrieval on a question set")
    p.add_argument("--questions", required=True, type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--explain", action="store_true", help="show each miss with per-channel scores")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("chat", parents=[common], help="ask questions in the terminal, as the bot would answer")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("serve", parents=[common], help="run the Slack app (Socket Mode or HTTP)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bench", parents=[common], help="measure start-up, indexing, latency, memory, scale")
    p.add_argument("--json", action="store_true")
    p.add_argument("--quick", action="store_true", help="smaller synthetic corpora (for a fast check)")
    p.set_defaults(func=cmd_bench)
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
    for noisy in ("faiss.loader", "sentence_transformers", "jieba", "httpx", "bm25s", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
