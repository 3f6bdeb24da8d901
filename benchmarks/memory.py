"""Memory figures: resident set of a running process (from /proc), peak of a finished one (from the
kernel's accounting when it is reaped), bytes on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def memory_mib(pid: int | str = "self") -> dict[str, float]:
    """Resident set now (VmRSS) and at peak (VmHWM) of a process, from /proc (Linux)."""
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                found["rss_mib" if key == "VmRSS" else "peak_mib"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        import resource

        found["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return found


def tree_memory_mib(pid: int) -> dict[str, float]:
    """:func:`memory_mib` summed over a process and all its descendants (``serve`` and its answer processes):
    what the host needs."""
    total: dict[str, float] = {}
    for member in [pid, *_descendants(pid)]:
        for key, value in memory_mib(member).items():
            total[key] = round(total.get(key, 0.0) + value, 1)
    total["processes"] = 1 + len(_descendants(pid))
    return total


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, stack = [], list(children.get(pid, []))
    while stack:
        child = stack.pop()
        found.append(child)
        stack.extend(children.get(child, []))
    return found


_SPAWNER = """
import json, os, sys, time
devnull = os.open(os.devnull, os.O_RDWR)
started = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ,
                      file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"exit_code": os.waitstatus_to_exitcode(status), "wall_s": time.perf_counter() - started,
                  "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mib": usage.ru_maxrss / 1024}))
"""


def run_accounted(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``command`` (output discarded) and return its exit code, wall seconds, CPU seconds (user + sys)
    and peak RSS in MiB, as the kernel accounted them for that process (``wait4``).

    It is started by a bare interpreter, not by this process: Linux counts the memory of the process that
    forked into a child's peak RSS, and this one holds hundreds of MiB (a bare interpreter ~10)."""
    done = subprocess.run([sys.executable, "-I", "-S", "-c", _SPAWNER, *command], env=env, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0
