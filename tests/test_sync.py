"""``sync``: docs/ refreshed from an istio.io-like and an events-repo-like checkout built in tmp_path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support import CORPUS, SHARED, make_docs, run_cli

from embeddings.sync import (
    ADDED,
    CHANGED,
    ONLY_IN_DOCS,
    SKIPPED,
    UNCHANGED,
    SyncReport,
    SyncSourceError,
    apply_sync,
    clean_markdown,
    is_event_post,
    plan_sync,
    post_problem,
    program_site,
    read_markdown,
)

EVENT_EN = """---
title: "Istio Day Europe 2024"
description: Join us in Paris.
publishdate: 2024-01-19
keywords: [istio]
---

Istio Day is a co-located event at KubeCon Europe 2024 in Paris. Talks cover ambient mesh and upgrades.
"""

EVENT_ZH = """---
title: "Istio Day 欧洲站"
description: 我们在巴黎见。
publishdate: 2024-01-19
---

Istio Day 是 KubeCon 欧洲站的同场活动，演讲涵盖 ambient 模式与升级。
"""

# The placeholder link and the tracking parameters are cleaned from the body; the front matter keeps its URL.
PLACEHOLDERS = """---
title: "Istio at KubeCon Europe 2025"
description: See you in London!
publishdate: 2025-03-25
image: https://example.com/banner.png?utm_source=x
---

Slides: [link to be added](TBD)
Watch the [opening keynote](https://youtu.be/abc123?utm_source=x&si=y) and read [the agenda](TODO).
Jump to [the schedule](#schedule).
"""

PLACEHOLDERS_CLEAN = """---
title: "Istio at KubeCon Europe 2025"
description: See you in London!
publishdate: 2025-03-25
image: https://example.com/banner.png?utm_source=x
---

Slides:
Watch the [opening keynote](https://youtu.be/abc123) and read the agenda.
Jump to [the schedule](#schedule).
"""

NOT_EVENT = """---
title: "Announcing Istio 1.22"
description: Ambient mesh goes beta.
keywords: [istio, release]
---

Istio 1.22 is out. Ambient mode is now beta; upgrade with istioctl.
"""

BROKEN = """---
title: [unclosed
description: oops
---

Istio Day at KubeCon, IstioCon everywhere.
"""

BANNER_EVENT = """---
title: Istio Day Europe
period_start: 2024-02-21
period_end: 2024-03-19
link: https://events.linuxfoundation.org/kubecon-cloudnativecon-europe/?utm_source=istio
---

Join us at Istio Day Europe, co-located with [KubeCon Europe](https://example.com/kubecon?fbclid=1)!
"""

BANNER_NOTICE = """---
title: Latest Release
period_start: latest_release
period_duration: 7
---

Istio {{< istio_release_name >}} is out. [Download it](https://istio.io/latest/docs/setup/)!
"""

SESSION_1 = """---
id: a1k
title: "Welcome & opening keynote"
speakers:
 - Craig Box
time_start: 2021-02-22T16:00:00.000Z
video: https://www.youtube.com/embed/QNs7Fiyw4Xk
---

Craig Box welcomes you to IstioCon. Slides: [link to be added](TBD)
"""

SESSION_2 = """---
id: b2p
title: "Istio at scale"
speakers:
 - Jane Doe
language: english
---

How we run Istio on 10,000 nodes.
"""

SPEAKER = """---
title: "Craig Box"
designation: Istio steering committee
---

Craig works on Istio.
"""

CONFIG_TOML = 'baseURL = "https://events.istio.io/istiocon-2021/"\ntitle = "IstioCon 2021"\n'


def make_sources(root: Path) -> tuple[Path, Path]:
    """An istio.io-like checkout and an events-repo-like checkout under ``root``."""
    istio_io = make_docs(root / "istio.io", {
        "content/en/blog/_index.md": "---\ntitle: Blog\n---\n",
        "content/en/blog/2024/_index.md": "---\ntitle: 2024\n---\n",
        "content/en/blog/2024/istio-day-eu/index.md": EVENT_EN,
        "content/en/blog/2024/istio-day-eu/notes.md": "stray draft, no front matter\n",
        "content/zh/blog/2024/istio-day-eu/index.md": EVENT_ZH,
        "content/en/blog/2025/kubecon-eu/index.md": PLACEHOLDERS,
        "content/en/blog/2024/istio-1.22/index.md": NOT_EVENT,
        "content/en/blog/2024/broken/index.md": BROKEN,
        "content/en/events/banners/istio-day-eu-2024.md": BANNER_EVENT,
        "content/zh/events/banners/latest-release.md": BANNER_NOTICE,
    })
    programs = make_docs(root / "istio-events", {
        "2021/config.toml": CONFIG_TOML,
        "2021/content/about.md": "---\ntitle: About\n---\n",
        "2021/content/sessions/a1k.md": SESSION_1,
        "2021/content/sessions/b2p.md": SESSION_2,
        "2021/content/speakers/craig-box/_index.md": SPEAKER,
    })
    return istio_io, programs


ADDED_TARGETS = {
    "en/2024/istio-day-eu.md",
    "zh/2024/istio-day-eu.md",
    "en/2025/kubecon-eu.md",
    "banners/en/istio-day-eu-2024.md",
    "banners/zh/latest-release.md",
    "programs/istiocon-2021/sessions/a1k.md",
    "programs/istiocon-2021/sessions/b2p.md",
    "programs/istiocon-2021/speakers/craig-box/_index.md",
}
SKIPPED_SOURCES = {
    "content/en/blog/2024/istio-day-eu/notes.md": "not a post: only <year>/<slug>/index.md is one",
    "content/en/blog/2024/istio-1.22/index.md": "not event-related",
    "content/en/blog/2024/broken/index.md": "bad YAML front matter",
}


def _by_action(report: SyncReport) -> dict[str, set[str]]:
    """Targets by action (sources for skipped files, which may have no target)."""
    found: dict[str, set[str]] = {}
    for item in report.items:
        found.setdefault(item.action, set()).add((item.source if item.action == SKIPPED else item.target) or "")
    return found


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# --- the CLI ---------------------------------------------------------------------------------------------------


def test_cli_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    istio_io, programs = make_sources(tmp_path / "src")
    docs, index = tmp_path / "docs", tmp_path / "index"
    result = run_cli("sync", "--istio-io", istio_io, "--programs", programs, "--docs", docs, "--index", index,
                     "--dry-run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "sync: 8 added, 0 changed, 0 unchanged, 3 skipped"
    assert {line for line in lines if line.startswith("added ")} == {f"added {docs}/{t}" for t in ADDED_TARGETS}
    skipped = {line.split(": ", 1)[0].removeprefix("skipped "): line.split(": ", 1)[1]
               for line in lines if line.startswith("skipped ")}
    assert set(skipped) == set(SKIPPED_SOURCES)
    for source, reason in SKIPPED_SOURCES.items():
        assert skipped[source].startswith(reason)
    assert len(lines) == 8 + 3 + 1
    assert not docs.exists() and not index.exists()


def test_cli_dry_run_json(tmp_path: Path) -> None:
    istio_io, programs = make_sources(tmp_path / "src")
    docs = make_docs(tmp_path / "docs", {"en/2019/old-meetup.md": EVENT_EN})
    result = run_cli("sync", "--istio-io", istio_io, "--programs", programs, "--docs", docs, "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["counts"] == {"added": 8, "changed": 0, "unchanged": 0, "skipped": 3, "only in docs": 1}
    assert data["dry_run"] is True and data["index"] is None
    assert {i["target"] for i in data["items"] if i["action"] == "added"} == ADDED_TARGETS
    assert all(set(item) == {"action", "target", "source", "reason"} for item in data["items"])
    assert _files(docs) == {"en/2019/old-meetup.md"}


@pytest.mark.parametrize("layout", ["missing", "no-content"])
def test_cli_bad_istio_io_path_exits_2(tmp_path: Path, layout: str) -> None:
    path = tmp_path / "istio.io"
    if layout == "no-content":
        make_docs(path, {"README.md": "not a checkout\n"})
    result = run_cli("sync", "--istio-io", path, "--docs", tmp_path / "docs", "--dry-run")
    assert result.returncode == 2
    assert "error: --istio-io" in result.stderr and str(path) in result.stderr
    assert result.stdout == ""


@pytest.mark.slow  # builds an index with the bundled encoder
def test_cli_sync_writes_and_indexes(tmp_path: Path) -> None:
    """A real run with the bundled encoder: files written, index built; a second run is a no-op."""
    istio_io, programs = make_sources(tmp_path / "src")
    docs, index = tmp_path / "docs", tmp_path / "index"
    args = ("sync", "--istio-io", istio_io, "--programs", programs, "--docs", docs, "--index", index)
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr
    assert "sync: 8 added, 0 changed, 0 unchanged, 3 skipped" in first.stdout.splitlines()
    summary = rf"^index rebuilt at {re.escape(str(index))}: \d+ posts, \d+ sessions, \d+ events, \d+ passages"
    assert re.search(summary, first.stdout, re.M)
    assert (docs / "en/2025/kubecon-eu.md").read_text(encoding="utf-8") == PLACEHOLDERS_CLEAN
    assert (index / "CURRENT").is_file()
    second = run_cli(*args)
    assert second.returncode == 0, second.stderr
    assert "sync: 0 added, 0 changed, 8 unchanged, 3 skipped" in second.stdout.splitlines()
    assert re.search(r"^index up to date at ", second.stdout, re.M)


# --- plan_sync / apply_sync --------------------------------------------------------------------------------------


def test_plan_and_apply(tmp_path: Path) -> None:
    istio_io, programs = make_sources(tmp_path / "src")
    docs = make_docs(tmp_path / "docs", {"en/2019/old-meetup.md": EVENT_EN, "README.md": "not synced\n"})

    plan = plan_sync(istio_io, programs, docs)
    found = _by_action(plan)
    assert found[ADDED] == ADDED_TARGETS
    assert found[SKIPPED] == set(SKIPPED_SOURCES)
    assert found[ONLY_IN_DOCS] == {"en/2019/old-meetup.md"}
    assert _files(docs) == {"en/2019/old-meetup.md", "README.md"}  # planning writes nothing

    apply_sync(plan)
    assert _files(docs) == ADDED_TARGETS | {"en/2019/old-meetup.md", "README.md"}  # nothing deleted
    assert (docs / "en/2025/kubecon-eu.md").read_text(encoding="utf-8") == PLACEHOLDERS_CLEAN
    assert (docs / "en/2024/istio-day-eu.md").read_bytes() == EVENT_EN.encode()
    assert (docs / "zh/2024/istio-day-eu.md").read_bytes() == EVENT_ZH.encode()
    assert (docs / "banners/en/istio-day-eu-2024.md").read_text(encoding="utf-8") == BANNER_EVENT.replace(
        "kubecon?fbclid=1", "kubecon")  # the front matter's utm_source link is kept as is
    assert (docs / "banners/zh/latest-release.md").read_text(encoding="utf-8") == BANNER_NOTICE
    assert (docs / "programs/istiocon-2021/sessions/a1k.md").read_text(encoding="utf-8") == SESSION_1.replace(
        " Slides: [link to be added](TBD)", " Slides:")
    assert (docs / "programs/istiocon-2021/speakers/craig-box/_index.md").read_text(encoding="utf-8") == SPEAKER

    again = plan_sync(istio_io, programs, docs)
    assert _by_action(again)[UNCHANGED] == ADDED_TARGETS
    assert {ADDED, CHANGED}.isdisjoint(_by_action(again))
    assert again.summary() == "sync: 0 added, 0 changed, 8 unchanged, 3 skipped"

    session = programs / "2021/content/sessions/b2p.md"
    session.write_text(SESSION_2.replace("10,000 nodes", "20,000 nodes"), encoding="utf-8")
    edited = plan_sync(istio_io, programs, docs)
    assert [(i.action, i.target) for i in edited.items if i.action == CHANGED] == [
        (CHANGED, "programs/istiocon-2021/sessions/b2p.md")]
    assert len([i for i in edited.items if i.action == UNCHANGED]) == 7
    apply_sync(edited)
    assert "20,000 nodes" in (docs / "programs/istiocon-2021/sessions/b2p.md").read_text(encoding="utf-8")
    assert not [p for p in docs.rglob("*") if p.name.startswith(".")]  # no temporary file left behind


def test_bad_input_is_skipped_not_fatal(tmp_path: Path) -> None:
    istio_io = make_docs(tmp_path / "istio.io", {
        "content/en/blog/2024/latin1/index.md": "---\ntitle: IstioCon caf\xe9\n---\nbody\n".encode("latin-1"),
        "content/en/blog/2024/no-front-matter/index.md": "IstioCon and KubeCon, twice: IstioCon.\n",
        "content/en/blog/2024/no-title/index.md": "---\ndescription: IstioCon\n---\nbody\n",
        "content/en/blog/2024/list-front-matter/index.md": "---\n- IstioCon\n---\nbody\n",
        "content/en/blog/2024/old-layout.md": EVENT_EN,
        "content/en/events/banners/broken.md": BROKEN,
        "content/en/events/banners/ok.md": BANNER_NOTICE,
    })
    plan = plan_sync(istio_io, None, tmp_path / "docs")
    reasons = {item.source: item.reason for item in plan.items if item.action == SKIPPED}
    assert reasons["content/en/blog/2024/latin1/index.md"].startswith("not UTF-8")
    assert reasons["content/en/blog/2024/no-front-matter/index.md"] == "no front matter"
    assert reasons["content/en/blog/2024/no-title/index.md"] == "front matter has no title"
    assert reasons["content/en/blog/2024/list-front-matter/index.md"].startswith("front matter is not a mapping")
    assert reasons["content/en/blog/2024/old-layout.md"] == "not in the <year>/<slug>/index.md layout"
    assert reasons["content/en/events/banners/broken.md"].startswith("bad YAML front matter")
    assert len(reasons) == 6
    assert _by_action(plan)[ADDED] == {"banners/en/ok.md"}


def test_missing_programs_and_istio_io_raise(tmp_path: Path) -> None:
    istio_io, _ = make_sources(tmp_path / "src")
    with pytest.raises(SyncSourceError, match="--istio-io"):
        plan_sync(tmp_path / "nowhere", None, tmp_path / "docs")
    with pytest.raises(SyncSourceError, match="--programs"):
        plan_sync(istio_io, tmp_path / "nowhere", tmp_path / "docs")


def test_program_site(tmp_path: Path) -> None:
    make_docs(tmp_path, {
        "2021/config.toml": CONFIG_TOML,
        "2022/config.toml": 'baseURL = "https://events.istio.io/"\n',
        "2023/config.toml": "baseURL = [broken\n",
    })
    (tmp_path / "2024").mkdir()
    assert program_site(tmp_path / "2021") == "istiocon-2021"
    assert program_site(tmp_path / "2022") == "istiocon-2022"
    assert program_site(tmp_path / "2023") == "istiocon-2023"
    assert program_site(tmp_path / "2024") == "istiocon-2024"
    make_docs(tmp_path, {"2025/config.toml": 'baseURL = "https://events.istio.io/istioday-eu-2025"\n'})
    assert program_site(tmp_path / "2025") == "istioday-eu-2025"


# --- cleaning and the event rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Slides: [link to be added](TBD)\n", "Slides:\n"),
    ("See [Link To Be Added](https://example.com) here.\n", "See  here.\n"),
    ("Read [the recap](TBD), [the notes](todo), [the FAQ](#) and [the CFP]().\n",
     "Read the recap, the notes, the FAQ and the CFP.\n"),
    ("[TBD](https://example.com/x)\n", "\n"),
    ("Jump to [the agenda](#agenda).\n", "Jump to [the agenda](#agenda).\n"),
    ("![logo](#)\n", "![logo](#)\n"),
    ("[video](https://youtu.be/x?utm_source=a&si=b)\n", "[video](https://youtu.be/x)\n"),
    ("[video](https://youtube.com/watch?v=x&feature=share&t=10#top)\n", "[video](https://youtube.com/watch?v=x&t=10#top)\n"),
    ("See https://example.com/p?gclid=1&id=3&UTM_Medium=m. Done\n", "See https://example.com/p?id=3. Done\n"),
    ('<a href="https://x.org/?fbclid=z&amp;lang=en">x</a>\n', '<a href="https://x.org/?lang=en">x</a>\n'),
    ("[keynote](https://youtu.be/mtq?si=qB4vbo4ytUL8eLO_)\n", "[keynote](https://youtu.be/mtq)\n"),
    ("```\n[link to be added](TBD) https://a.b/?si=1\n```\n", "```\n[link to be added](TBD) https://a.b/?si=1\n```\n"),
    ("Windows line\r\n[x](TBD)\r\n", "Windows line\r\nx\r\n"),
    ("https://example.com/?single=1&size=2\n", "https://example.com/?single=1&size=2\n"),
])
def test_clean_markdown(text: str, expected: str) -> None:
    assert clean_markdown(text) == expected


def test_clean_markdown_keeps_front_matter_and_untouched_files() -> None:
    front = "---\ntitle: '[link to be added](TBD)'\nlink: https://a.b/?utm_source=x\n---\n"
    assert clean_markdown(front + "[a](TBD)\n") == front + "a\n"
    assert clean_markdown("\ufeff" + front + "body\n") == "\ufeff" + front + "body\n"
    assert clean_markdown(EVENT_ZH) == EVENT_ZH


@pytest.mark.parametrize(("meta", "body", "expected"), [
    ({"title": "Join us for IstioCon 2022!"}, "", True),
    ({"title": "Istio Day North America"}, "", True),
    ({"title": "Announcing", "description": "Our first istioday"}, "", True),
    ({"title": "All Day Istio Twitch Stream"}, "", True),
    ({"title": "News", "keywords": ["community", "Meetup"]}, "", True),
    ({"title": "KubeCon + CloudNativeCon recap"}, "", True),
    ({"title": "A co-located event"}, "", True),
    ({"title": "Webinar: ambient"}, "", True),
    ({"title": "Hands-on workshop"}, "", True),
    ({"title": "Service Mesh Summit"}, "", True),
    ({"title": "中国首次 Istio meetup 来了!"}, "", True),
    ({"title": "Istio 将在 KubeCon 2025 北美大会亮相"}, "", True),
    ({"title": "服务网格峰会"}, "", True),
    ({"title": "社区见面会"}, "", True),
    ({"title": "线下活动"}, "", True),
    ({"title": "Nuestra conferencia"}, "", True),
    ({"title": "Un evento de Istio"}, "", True),
    ({"title": "Announcing Istio 1.22", "keywords": ["release"]}, "Mentions IstioCon once.", False),
    ({"title": "Graduation", "keywords": ["CNCF"]}, "At KubeCon NA... then at Istio Day EU.", True),
    ({"title": "Birthday"}, "istiocon 2021 and ISTIOCON 2022", True),
    ({"title": "Security"}, "No events here at all.", False),
    ({"title": 2024, "keywords": None}, "", False),
])
def test_is_event_post(meta: dict, body: str, expected: bool) -> None:
    assert is_event_post(meta, body) is expected


def _real_posts() -> list[Path]:
    roots = [CORPUS, SHARED / "events" / "posts", SHARED / "events" / "posts-related"]
    return sorted(path for root in roots if root.is_dir() for path in root.glob("*/*.md"))


@pytest.mark.skipif(not _real_posts(), reason="../shared is not available")
def test_every_real_event_post_is_copied() -> None:
    """The rule keeps every real event post and every related post (CNCF news, a birthday) in ../shared."""
    posts = _real_posts()
    related = [path for path in posts if "posts-related" in path.parts]
    assert len(posts) >= 60 and len(related) == 11
    problems = {}
    for path in posts:
        _, meta, body = read_markdown(path)
        problem = post_problem(meta, body)
        if problem:
            problems[str(path.relative_to(SHARED))] = problem
    assert problems == {}
    # The related posts are kept by their body (their front matter names no event): the body rule matters.
    by_front_matter = [path for path in related if is_event_post(read_markdown(path)[1], "")]
    assert by_front_matter == []
