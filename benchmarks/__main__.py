"""``python -m benchmarks [--json] [--quick] [--docs DIR] [--index DIR]``: the same as ``istio-events-bot bench``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from benchmarks.run import main
from bot.settings import ConfigError, load_settings

if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no 1M figures (a check)")
    args = parser.parse_args()
    try:
        args.settings = load_settings(docs_dir=args.docs, index_dir=args.index)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(args))
