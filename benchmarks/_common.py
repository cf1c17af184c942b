"""Shared helpers of rkeras's benchmarks: timing, statistics, load, machine, results.

Every benchmark script writes `benchmarks/results/<name>.md` (a table that
`run_all.py` pastes into BENCHMARKS.md) and `benchmarks/results/<name>.json`
(the raw timings). Timings are wall-clock (`time.perf_counter`).

The machine is shared: `LoadMonitor` measures, for each timed interval, how
many cores *other* processes kept busy (from /proc/stat minus this process
tree's own CPU time), so a noisy repetition can be recognised in the results.
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
PYTHON = sys.executable

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if "RKERAS_DATASETS" not in os.environ and (ROOT.parent / "shared" / "data" / "mnist.npz").exists():
    os.environ["RKERAS_DATASETS"] = str(ROOT.parent / "shared" / "data")


# --------------------------------------------------------------------------- load
def _cpu_busy_total() -> tuple[float, float]:
    """(busy seconds, total seconds) of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [float(v) for v in f.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user/nice
    return (total - idle) / tick, total / tick


def _own_cpu() -> float:
    """CPU seconds used by this process and its (waited-for and live) children."""
    import psutil

    me = psutil.Process()
    t = me.cpu_times()
    used = t.user + t.system + t.children_user + t.children_system
    for child in me.children(recursive=True):
        try:
            ct = child.cpu_times()
            used += ct.user + ct.system
        except psutil.Error:
            pass
    return used


class LoadMonitor:
    """Cores kept busy by other processes during an interval.

    with LoadMonitor() as m: ...;  m.other_cores  -> e.g. 0.05 (idle) or 1.0 (one core busy)
    """

    def __enter__(self) -> "LoadMonitor":
        self._busy0, self._total0 = _cpu_busy_total()
        self._own0 = _own_cpu()
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        wall = time.perf_counter() - self._t0
        busy1, _ = _cpu_busy_total()
        own1 = _own_cpu()
        other = (busy1 - self._busy0) - (own1 - self._own0)
        # /proc/stat counts in clock ticks (10 ms): meaningless for short intervals.
        self.other_cores = max(0.0, other / wall) if wall >= 0.25 else float("nan")


def r_gc() -> None:
    """A full R garbage collection (untimed, before each conversion timing, so that R's GC,
    triggered by big allocations, does not land at random inside the timed calls)."""
    from rkeras.r import r_eval
    r_eval("invisible(gc(FALSE))")


def loadavg() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# --------------------------------------------------------------------------- timing
def clock(fn: Callable[[], Any], before: Callable[[], Any] | None = None) -> tuple[float, Any, float]:
    """Run fn once after a gc (and `before()`, untimed): (seconds, result, other processes' cores meanwhile)."""
    gc.collect()
    if before is not None:
        before()
    with LoadMonitor() as m:
        t0 = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t0
    return dt, result, m.other_cores


def summary(values: Iterable[float]) -> dict:
    v = sorted(values)
    med = statistics.median(v)
    return {"median": med, "min": v[0], "max": v[-1], "n": len(v),
            "spread_pct": 100.0 * (v[-1] - v[0]) / med if med else 0.0,
            "runs": list(values) if not isinstance(values, list) else values}


def alternate(contenders: dict[str, Callable[[], Any]], repeats: int,
              warmup: int = 1, verbose: bool = True,
              before: Callable[[], Any] | None = None) -> dict[str, dict]:
    """Time each contender `repeats` times, alternating A B A B ... (order flips each round).

    Returns {name: {"times": [...], "other_cores": [...], **summary(times)}}.
    """
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    out = {name: {"times": [], "other_cores": []} for name in names}
    for rep in range(repeats):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            dt, _, other = clock(contenders[name], before)
            out[name]["times"].append(dt)
            out[name]["other_cores"].append(other)
            if verbose:
                print(f"  [{rep + 1}/{repeats}] {name:<34} {fmt_s(dt)}  (other load {other:.2f} cores)",
                      flush=True)
    for name in names:
        out[name].update(summary(out[name]["times"]))
        out[name]["runs"] = out[name]["times"]
    return out


def paired_ratio(a: list[float], b: list[float]) -> dict:
    """Ratio a/b of medians, plus the median and range of the per-round ratios."""
    ratios = [x / y for x, y in zip(a, b)]
    return {"ratio_of_medians": statistics.median(a) / statistics.median(b),
            "paired_median": statistics.median(ratios),
            "paired_min": min(ratios), "paired_max": max(ratios)}


# --------------------------------------------------------------------------- formatting
def fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.3f} s"


def cell(stats: dict) -> str:
    """'1.234 s (1.20–1.30)' from a summary dict."""
    return f"{fmt_s(stats['median'])} ({fmt_s(stats['min'])}–{fmt_s(stats['max'])})"


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    return "\n".join(lines)


def verdict(value: float, goal: float, lower_is_better: bool = True) -> str:
    ok = value <= goal if lower_is_better else value >= goal
    if ok:
        return "**met**"
    return f"**not met** (by {100 * (value / goal - 1):+.1f} %)"


# --------------------------------------------------------------------------- machine
def _version(module: str) -> str:
    try:
        from importlib.metadata import version
        return version(module)
    except Exception:
        return "?"


def _r_version() -> str:
    try:
        out = subprocess.run(["R", "--version"], capture_output=True, text=True, timeout=30).stdout
        return out.splitlines()[0].replace("R version ", "")
    except Exception:
        return "?"


def machine() -> dict:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil
        mem = f"{psutil.virtual_memory().total / 2**30:.0f} GB"
    except Exception:
        mem = "?"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "tensorflow": _version("tensorflow-cpu") if _version("tensorflow-cpu") != "?" else _version("tensorflow"),
        "keras": _version("keras"), "numpy": _version("numpy"), "pandas": _version("pandas"),
        "R": _r_version(), "rpy2": _version("rpy2"), "rpy2-rinterface": _version("rpy2-rinterface"),
        "rkeras": os.environ.get("BENCH_SOURCE") or f"{_git_revision()} working tree",
        "rkeras_path": _rkeras_path(),
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "loadavg_at_start": loadavg(),
    }


def _rkeras_path() -> str:
    import importlib.util
    spec = importlib.util.find_spec("rkeras")
    return os.path.dirname(spec.origin) if spec and spec.origin else "?"


def _git_revision() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        return f"git {rev}" if rev else "?"
    except Exception:
        return "?"


def machine_line(m: dict) -> str:
    return (f"{m['cpu']}, {m['cores']} cores, {m['memory']}; Python {m['python']}, TF {m['tensorflow']}, "
            f"Keras {m['keras']}, numpy {m['numpy']}, pandas {m['pandas']}, R {m['R']}, rpy2 {m['rpy2']} "
            f"(rinterface {m['rpy2-rinterface']}); rkeras {m['rkeras']} (imported from {m.get('rkeras_path', '?')}); {m['date']}; "
            f"load average at start {m['loadavg_at_start']}")


# --------------------------------------------------------------------------- results
def write_results(name: str, markdown: str, data: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(markdown.rstrip() + "\n")
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    print(f"wrote {RESULTS / (name + '.md')}")


@contextmanager
def section(title: str):
    print(f"\n== {title} ==", flush=True)
    t0 = time.perf_counter()
    yield
    print(f"== {title}: {time.perf_counter() - t0:.1f} s ==", flush=True)


def run_python(code: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `python -c code` in a fresh process (same interpreter)."""
    e = {**os.environ, **(env or {})}
    return subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=e,
                          timeout=timeout, cwd=str(ROOT))
