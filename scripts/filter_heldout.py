"""Build a held-out set from blind-written candidates: drop every near-repeat of a tuning question.

    python scripts/filter_heldout.py CANDIDATES.jsonl [MORE.jsonl ...] --out tests/data/questions_heldout_X.jsonl

A mechanical filter, nothing else. A candidate is kept when

* its word overlap (:func:`bot.core.question_sets.word_overlap`) with every question of every tuning set
  of the Makefile's ``TUNING`` list stays below 0.6, and
* it is to decline, or at least one of its answer strings is written in a post of ``docs/`` (what the bot
  knows; a writer who read another copy of the posts may name an answer the bot cannot know).

It never runs the bot, so what the bot answers cannot choose the set.
Kept lines are copied byte for byte, in input order, ids unchanged. It prints what it dropped (and the
tuning question each one repeats) and the kept set's composition.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from bot.core.question_sets import MAX_OVERLAP, make_sets, nearest, questions_of
from embeddings.config import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidates", nargs="+", type=Path)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)

    tuning: list[tuple[str, str]] = []
    for path in make_sets("TUNING"):
        if not path.is_file():
            print(f"error: tuning set {path} is missing: cannot filter against it", file=sys.stderr)
            return 1
        tuning += [(f"{path.name}:{qid}", question) for qid, question in questions_of(path)]

    posts = [path.read_text(encoding="utf-8") for path in sorted(DOCS.rglob("*.md"))]
    kept: list[str] = []
    seen: set[str] = set()
    dropped = unknown = 0
    for path in args.candidates:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row["id"] in seen:
                print(f"error: {path}: id {row['id']} appears twice", file=sys.stderr)
                return 1
            seen.add(row["id"])
            share, other_id, other = nearest(row["question"], tuning)
            if share >= MAX_OVERLAP:
                dropped += 1
                print(f"drop {row['id']} ({share:.2f} with {other_id}): {row['question']!r} ~ {other!r}")
                continue
            if not row.get("abstain") and not any(answer in post for answer in row["relevant"] for post in posts):
                unknown += 1
                print(f"drop {row['id']} (no answer string written in docs/): {row['question']!r} {row['relevant']}")
                continue
            kept.append(line)
    args.out.write_text("".join(line + "\n" for line in kept), encoding="utf-8")

    rows = [json.loads(line) for line in kept]
    langs = Counter(row["lang"] for row in rows)
    cross = sum(bool(row.get("cross")) for row in rows)
    abstain = sum(bool(row.get("abstain")) for row in rows)
    n = len(rows)
    print(f"{args.out}: kept {n} of {n + dropped + unknown} ({dropped} near-repeats dropped, overlap >= "
          f"{MAX_OVERLAP}; {unknown} with no answer in docs/)")
    print("  by language: " + ", ".join(f"{lang} {count}" for lang, count in sorted(langs.items())))
    print(f"  cross-lingual (answer only in another language): {cross} ({cross / n:.1%})" if n else "")
    print(f"  to decline: {abstain} ({abstain / n:.1%}); answerable: {n - abstain}" if n else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
