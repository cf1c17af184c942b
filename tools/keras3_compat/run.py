#!/usr/bin/env python3
"""Run R keras3 1.5.1's own tests and vignettes under real keras3 and under rkeras.

    python tools/keras3_compat/run.py KERAS3_SRC [--side both|keras3|rkeras]
        [--tests-only | --vignettes-only] [--only SUBSTRING ...] [--fresh]

KERAS3_SRC is a keras3 source folder (a checkout or `git archive` of
rstudio/keras3 tag v1.5.1); its `tests/testthat` and `vignettes-src` are used
and nothing of it is copied into this repository.

* Test files: each `tests/testthat/test-*.R` runs in its own process through
  `testfile_runner.R` (helpers, setup, testthat's reporter; per test block:
  pass / failure / error / skip and the expectation counts), with a timeout.
* Vignettes: `vignettes-src/*.Rmd` and `vignettes-src/examples/**.Rmd` (the
  `parked/` drafts are not built by keras3 and are left out). The chunks knitr
  would evaluate (`eval = FALSE` and non-R engines left out; a setup chunk's
  `knitr::opts_chunk$set(eval = ...)` honoured) run in order in one process per
  vignette through `vignette_runner.R`; a chunk is ok when it runs without error.

Sides:
* keras3: `Rscript` with `R_LIBS=<peer lib>` (the real keras3 1.5.1 built as in
  ../shared/reference/keras3-peer.md), `RETICULATE_PYTHON` = this repo's venv
  Python, `R_PROFILE_USER` = the peer's profile (its offline-datasets hook) when
  present.
* rkeras: `.venv/bin/rkeras run`.

Both run offline: the proxy variables point at a closed local port, so a
download fails at once instead of reaching the network; blocks and chunks whose
error is a failed download are marked "network". Results (merged into the
previous results unless --fresh) go to tools/keras3_compat/results.json and the
table to docs/keras3-compatibility.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESULTS = HERE / "results.json"
TABLE = REPO / "docs" / "keras3-compatibility.md"
DEFAULT_PEER_LIB = Path(os.environ.get("KERAS3_PEER_LIB", REPO.parent / "peer" / "lib"))
SIDES = ("keras3", "rkeras")

# A failed download, as R/reticulate/Keras report it when the network is cut.
NETWORK_RE = re.compile(
    r"URL fetch failure|urlopen error|Name or service not known|Temporary failure in name "
    r"resolution|Connection refused|Failed to connect|cannot open URL|Could not resolve host|"
    r"HTTP Error|ProxyError|Max retries exceeded|getaddrinfo",
    re.IGNORECASE)

# Test files that need the network by design (downloads of pretrained weights or
# datasets), whatever their messages say.
NETWORK_FILES = {
    "test-datasets.R": "downloads Keras's datasets (skipped unless KERAS_TEST_DATASETS is set)",
}


# --------------------------------------------------------------------------
# Chunk extraction
# --------------------------------------------------------------------------
_CHUNK_START = re.compile(r"^(\s*)(`{3,})\s*\{\s*([A-Za-z0-9_]+)(.*)\}\s*$")
_GLOBAL_EVAL = re.compile(r"opts_chunk\s*\$\s*set\s*\((?:[^()]|\([^()]*\))*?\beval\s*=\s*(TRUE|FALSE|T|F)\b")


def _split_options(text: str) -> list[str]:
    """Split a chunk header's option text at top-level commas."""
    parts, depth, quote, cur = [], 0, "", []
    for ch in text:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


def _logical(value: str) -> bool | None:
    value = value.strip()
    if value in ("FALSE", "F"):
        return False
    if value in ("TRUE", "T"):
        return True
    return None


def extract_chunks(rmd: Path) -> list[dict]:
    """The R chunks of an Rmd with their label, line and whether knitr evaluates them."""
    lines = rmd.read_text(encoding="utf-8").splitlines()
    chunks, default_eval, i = [], True, 0
    while i < len(lines):
        m = _CHUNK_START.match(lines[i])
        if not m:
            i += 1
            continue
        fence, engine, header = m.group(2), m.group(3), m.group(4)
        start = i + 1
        j = start
        while j < len(lines) and not re.match(r"^\s*" + fence + r"`*\s*$", lines[j]):
            j += 1
        body = lines[start:j]
        i = j + 1
        if engine.lower() != "r":
            continue
        options, label = {}, ""
        for k, part in enumerate(_split_options(header.lstrip(", "))):
            if "=" in part and not part.startswith("="):
                name, _, value = part.partition("=")
                options[name.strip()] = value.strip()
            elif k == 0:
                label = part
        for line in body:  # Quarto-style `#| eval: false`
            qm = re.match(r"^\s*#\|\s*eval:\s*(true|false)\s*$", line, re.IGNORECASE)
            if qm:
                options["eval"] = qm.group(1).upper()
        evaluated = default_eval
        if "eval" in options:
            flag = _logical(options["eval"])
            evaluated = True if flag is None else flag  # an expression: knitr evaluates it; assume TRUE
        code = "\n".join(body)
        if evaluated:
            g = _GLOBAL_EVAL.search(code)
            if g:
                default_eval = bool(_logical(g.group(1)))
        chunks.append({"label": label, "line": start, "eval": evaluated,
                       "options": options, "code": code})
    return chunks


def vignette_files(src: Path) -> list[Path]:
    root = src / "vignettes-src"
    files = sorted(root.glob("*.Rmd")) + sorted((root / "examples").rglob("*.Rmd"))
    return [f for f in files if not f.name.startswith("_")]


def test_files(src: Path) -> list[Path]:
    return sorted((src / "tests" / "testthat").glob("test-*.R"))


# --------------------------------------------------------------------------
# Running one side
# --------------------------------------------------------------------------
def side_command(side: str, runner: Path, args: list[str], peer_lib: Path,
                 rkeras_tree: Path | None = None) -> tuple[list[str], dict]:
    env = dict(os.environ)
    env.update({
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "MPLBACKEND": "Agg",
        "RKERAS_DATASETS": os.environ.get("RKERAS_DATASETS", str(REPO.parent / "shared" / "data")),
        # Offline: any download goes to a closed port and fails at once.
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
        "no_proxy": "", "NO_PROXY": "",
        "KERAS3_COMPAT_SIDE": side,
    })
    if side == "keras3":
        env["R_LIBS"] = str(peer_lib)
        env["RETICULATE_PYTHON"] = str(REPO / ".venv" / "bin" / "python")
        profile = peer_lib.parent / "keras3-peer.Rprofile"
        if profile.exists():
            env["R_PROFILE_USER"] = str(profile)
        cmd = ["Rscript", str(runner), *args]
    else:
        env.pop("R_LIBS", None)
        cmd = [str(REPO / ".venv" / "bin" / "rkeras"), "run", str(runner), *args]
        if rkeras_tree is not None:
            # Another rkeras source tree (say `git archive <commit>`) ahead of the
            # venv's editable install: its modules shadow the working tree's.
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(rkeras_tree), env.get("PYTHONPATH")]))
    return ["nice", "-n", "10", *cmd], env


def run_process(cmd: list[str], env: dict, cwd: Path, log: Path, timeout: float) -> dict:
    started = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # our own child's process group
            rc = proc.wait()
            timed_out = True
    return {"returncode": rc, "timed_out": timed_out, "seconds": round(time.monotonic() - started, 1)}


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a line cut by a kill
    return records


def _is_network(messages) -> bool:
    return any(NETWORK_RE.search(m.get("message") or "") for m in messages or [])


def run_test_file(side: str, path: Path, work: Path, peer_lib: Path, timeout: float,
                  rkeras_tree: Path | None = None) -> dict:
    out = work / f"{side}-{path.stem}.jsonl"
    out.unlink(missing_ok=True)
    cmd, env = side_command(side, HERE / "testfile_runner.R", [str(path), str(out)], peer_lib, rkeras_tree)
    cwd = work / f"cwd-{side}-{path.stem}"
    shutil.rmtree(cwd, ignore_errors=True)
    cwd.mkdir(parents=True)
    proc = run_process(cmd, env, cwd, work / f"{side}-{path.stem}.log", timeout)
    records = read_jsonl(out)
    blocks = [r for r in records if r.get("kind") == "block"]
    for b in blocks:
        b["network"] = path.name in NETWORK_FILES or (
            b["status"] in ("error", "failure") and _is_network(b.get("messages")))
    return {
        **proc,
        "finished": any(r.get("kind") == "end" for r in records),
        "fatal": [r for r in records if r.get("kind") == "fatal"],
        "helper_errors": [r for r in records if r.get("kind") == "helper"],
        "blocks": blocks,
        "log": str(work / f"{side}-{path.stem}.log"),
    }


def run_vignette(side: str, rmd: Path, name: str, work: Path, peer_lib: Path, timeout: float,
                 rkeras_tree: Path | None = None) -> dict:
    chunks = [c for c in extract_chunks(rmd) if c["eval"]]
    stem = name.replace("/", "__").removesuffix(".Rmd")
    chunk_dir = work / f"chunks-{stem}"
    shutil.rmtree(chunk_dir, ignore_errors=True)
    chunk_dir.mkdir(parents=True)
    for k, c in enumerate(chunks, 1):
        (chunk_dir / f"{k:03d}.R").write_text(c["code"] + "\n", encoding="utf-8")
    out = work / f"{side}-vig-{stem}.jsonl"
    out.unlink(missing_ok=True)
    # Each side gets a fresh working folder (chunks save files); knitr would use
    # the Rmd's folder, so its neighbours are copied in.
    cwd = work / f"cwd-{side}-vig-{stem}"
    shutil.rmtree(cwd, ignore_errors=True)
    shutil.copytree(rmd.parent, cwd, ignore=shutil.ignore_patterns("*.Rmd", "examples", "parked"))
    cmd, env = side_command(side, HERE / "vignette_runner.R", [str(chunk_dir), str(out)], peer_lib,
                            rkeras_tree)
    proc = run_process(cmd, env, cwd, work / f"{side}-vig-{stem}.log", timeout)
    done = {r["chunk"]: r for r in read_jsonl(out) if r.get("kind") == "chunk"}
    results = []
    for k, c in enumerate(chunks, 1):
        r = done.get(f"{k:03d}")
        status = "not reached" if r is None else ("ok" if r["ok"] else "error")
        results.append({
            "chunk": k, "label": c["label"], "line": c["line"], "status": status,
            "seconds": r and r.get("seconds"),
            "message": r and r.get("message"),
            "network": bool(r and not r["ok"] and NETWORK_RE.search(r.get("message") or "")),
        })
    return {**proc, "chunks": results, "log": str(work / f"{side}-vig-{stem}.log")}


# --------------------------------------------------------------------------
# Table
# --------------------------------------------------------------------------
def _passed(entry: dict | None) -> int | None:
    if not entry:
        return None
    return sum(b["status"] == "pass" for b in entry["blocks"])


def _cell(n, note: str = "") -> str:
    return "–" if n is None else f"{n}{note}"


def _note(entry: dict | None) -> str:
    if not entry:
        return ""
    if entry.get("timed_out"):
        return " (timeout)"
    if entry.get("fatal") or not entry.get("finished"):
        return " (aborted)"
    return ""


def _not_provided() -> dict[str, str]:
    """rkeras's NOT_PROVIDED table, read from its file (importing `rkeras` would start Keras)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "keras3_not_provided", REPO / "rkeras" / "r" / "keras3_not_provided.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.NOT_PROVIDED)


NOT_COMPARABLE_VIGNETTES = HERE / "not_comparable_vignettes.json"


def not_comparable_vignettes() -> dict[str, str]:
    """Vignettes that cannot run offline on either side (network, jax), with the reason."""
    if not NOT_COMPARABLE_VIGNETTES.exists():
        return {}
    data = json.loads(NOT_COMPARABLE_VIGNETTES.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


NOT_COMPARABLE = HERE / "not_comparable.json"


def not_comparable_section(k_pass: list, r_pass: set) -> list[str]:
    """The blocks of not_comparable.json (reticulate's or keras3's internals), with their reasons."""
    if not NOT_COMPARABLE.exists():
        return []
    rows = json.loads(NOT_COMPARABLE.read_text())["blocks"]
    listed = {(r["file"], r["test"]) for r in rows}
    comparable = [x for x in k_pass if (x[0], x[1]) not in listed]
    lines = ["", "### Not comparable", "",
             "Blocks that test reticulate's or keras3's own internals (or need the network), from "
             "`tools/keras3_compat/not_comparable.json`; they are not counted against rkeras.", "",
             "| test file | block | reason |", "| --- | --- | --- |"]
    lines += [f"| {r['file']} | {r['test']} | {r['reason']} |" for r in rows]
    lines += ["", f"Comparable blocks that pass on keras3: {len(comparable)}; of these, "
                  f"{sum(x in r_pass for x in comparable)} pass on rkeras."]
    return lines


def write_table(results: dict, path: Path) -> str:
    meta = results.get("meta", {})
    lines = [
        "# keras3 1.5.1's own tests and vignettes: real keras3 vs rkeras",
        "",
        "Generated by `make keras3-compat KERAS3_SRC=/path/to/keras3` "
        "(`tools/keras3_compat/run.py`; per-block details in `tools/keras3_compat/results.json`). "
        f"keras3 source: {meta.get('keras3_src', '?')}; rkeras: {meta.get('rkeras_version', '?')}; "
        f"last run {meta.get('updated', '?')}.",
        "",
        "Both sides run the same runner scripts offline on this machine: real keras3 1.5.1 "
        "(`Rscript`, the peer library of `../shared/reference/keras3-peer.md`, Python = rkeras's "
        "`.venv`) and rkeras (`rkeras run`). A test block passes when all its expectations pass "
        "(testthat's precedence: error > failure > skip > pass). Helper files are evaluated one "
        "expression at a time on both sides, so a missing helper costs only the blocks that use it. "
        "*network* counts blocks that need a download (failed download on the keras3 side, or a "
        "file that downloads by design); they cannot pass offline on either side.",
        "",
        "## Test files (`tests/testthat`)",
        "",
        "| test file | blocks (keras3) | keras3 passed | rkeras passed | rkeras blocks reached | network |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    tot = {"blocks": 0, "k": 0, "r": 0, "reached": 0, "net": 0}
    for name in sorted(results.get("tests", {})):
        e = results["tests"][name]
        k, r = e.get("keras3"), e.get("rkeras")
        n_blocks = len(k["blocks"]) if k else None
        net = sum(b.get("network", False) for b in (k or {}).get("blocks", []))
        reached = len(r["blocks"]) if r else None
        lines.append(f"| {name} | {_cell(n_blocks)} | {_cell(_passed(k), _note(k))} | "
                     f"{_cell(_passed(r), _note(r))} | {_cell(reached)} | {net or ''} |")
        tot["blocks"] += n_blocks or 0
        tot["k"] += _passed(k) or 0
        tot["r"] += _passed(r) or 0
        tot["reached"] += reached or 0
        tot["net"] += net
    lines.append(f"| **total** | **{tot['blocks']}** | **{tot['k']}** | **{tot['r']}** | "
                 f"**{tot['reached']}** | **{tot['net']}** |")

    def expectation_totals(side: str) -> str:
        p = f = s = 0
        for e in results.get("tests", {}).values():
            for b in (e.get(side) or {}).get("blocks", []):
                p += b["n_pass"]
                f += b["n_fail"]
                s += b["n_skip"]
        return f"{p} passed, {f} failed, {s} skipped"

    lines += ["", f"Expectations: keras3 {expectation_totals('keras3')}; "
                  f"rkeras {expectation_totals('rkeras')}.", ""]
    def passing(side: str) -> set[tuple[str, str, int]]:
        """(file, block name, occurrence) of the passing blocks: names repeat within a file."""
        keys = set()
        for name, e in results.get("tests", {}).items():
            seen: dict[str, int] = {}
            for blk in (e.get(side) or {}).get("blocks", []):
                seen[blk["test"]] = seen.get(blk["test"], 0) + 1
                if blk["status"] == "pass":
                    keys.add((name, blk["test"], seen[blk["test"]]))
        return keys

    both, r_pass = sorted(passing("keras3")), passing("rkeras")
    lines.append(f"Of the {len(both)} blocks that pass on keras3, {sum(x in r_pass for x in both)} "
                 "pass on rkeras.")
    lines += not_comparable_section(both, r_pass)

    lines += ["", "## Vignettes (`vignettes-src`, evaluable R chunks)", "",
              "| vignette | evaluable chunks | keras3 ok | rkeras ok | network (keras3) |",
              "| --- | ---: | ---: | ---: | ---: |"]
    vt = {"n": 0, "k": 0, "r": 0, "net": 0}
    for name in sorted(results.get("vignettes", {})):
        e = results["vignettes"][name]
        k, r = e.get("keras3"), e.get("rkeras")
        n = e.get("evaluable", 0)
        ok = lambda s: None if not s else sum(c["status"] == "ok" for c in s["chunks"])  # noqa: E731
        tnote = lambda s: ((" (timeout)" if s and s.get("timed_out") else "")  # noqa: E731
                           + (" (capped)" if s and s.get("keras_limits") else ""))
        net = sum(c["network"] for c in (k or {}).get("chunks", []))
        lines.append(f"| {name} | {n} | {_cell(ok(k), tnote(k))} | {_cell(ok(r), tnote(r))} | {net or ''} |")
        vt["n"] += n
        vt["k"] += ok(k) or 0
        vt["r"] += ok(r) or 0
        vt["net"] += net
    lines.append(f"| **total** | **{vt['n']}** | **{vt['k']}** | **{vt['r']}** | **{vt['net']}** |")
    lines += ["", "A chunk that is not reached (the vignette's timeout) counts as not ok; "
              "(timeout) marks those vignettes; (capped): run with fit() capped on both sides "
              "(--max-epochs / --max-steps-per-epoch, Keras's KERAS_MAX_EPOCHS / "
              "KERAS_MAX_STEPS_PER_EPOCH).", ""]
    skipped = not_comparable_vignettes()
    if skipped:
        lines += ["Vignettes not comparable offline (not run on either side; "
                  "`tools/keras3_compat/not_comparable_vignettes.json`):", "",
                  "| vignette | reason |", "| --- | --- |"]
        lines += [f"| {n} | {why} |" for n, why in sorted(skipped.items())]
        lines.append("")
    lines += ["## keras3 exports rkeras does not provide, by decision", "",
              "From `rkeras/r/keras3_not_provided.py` (the table `tests/test_keras3_exports.py` "
              "checks; every other of keras3 1.5.1's 792 exports must exist in the R front end).", ""]
    not_provided = _not_provided()
    if not_provided:
        lines += ["| name | reason |", "| --- | --- |"]
        lines += [f"| `{n}` | {why} |" for n, why in sorted(not_provided.items())]
    else:
        lines.append("None so far.")
    lines.append("")
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


# --------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("keras3_src", type=Path, help="keras3 source folder (tag v1.5.1)")
    ap.add_argument("--side", choices=("both", *SIDES), default="both")
    part = ap.add_mutually_exclusive_group()
    part.add_argument("--tests-only", action="store_true")
    part.add_argument("--vignettes-only", action="store_true")
    ap.add_argument("--only", nargs="+", default=[], metavar="SUBSTRING",
                    help="run only test files / vignettes whose name contains one of these")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per test file (default 600)")
    ap.add_argument("--vignette-timeout", type=float, default=900, help="seconds per vignette (default 900)")
    ap.add_argument("--max-epochs", type=int, default=None,
                    help="cap every fit() at this many epochs on both sides (Keras's KERAS_MAX_EPOCHS): "
                         "a vignette that trains for half an hour on a few cores still runs every chunk; "
                         "recorded with each result")
    ap.add_argument("--max-steps-per-epoch", type=int, default=None,
                    help="cap every epoch (fit/evaluate/predict) at this many steps on both sides "
                         "(Keras's KERAS_MAX_STEPS_PER_EPOCH); recorded with each result")
    ap.add_argument("--peer-lib", type=Path, default=DEFAULT_PEER_LIB,
                    help="R library holding real keras3 1.5.1 (default ../peer/lib, env KERAS3_PEER_LIB)")
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "keras3-compat",
                    help="logs and scratch folders")
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--table", type=Path, default=TABLE)
    ap.add_argument("--rkeras-tree", type=Path, default=None,
                    help="run the rkeras side from this source tree (e.g. `git archive <commit>`) "
                         "instead of the working tree")
    ap.add_argument("--fresh", action="store_true", help="drop earlier results instead of merging")
    ap.add_argument("--merge-from", type=Path, nargs="+", default=[], metavar="RESULTS_JSON",
                    help="merge these results files' entries (each side of each file) into the results first")
    ap.add_argument("--table-only", action="store_true", help="rewrite the table from the results file")
    a = ap.parse_args(argv)
    # Keras reads these when it is imported, in both sides' Python alike (the
    # environment is passed on to both); the caller's own settings count too.
    for var, value in (("KERAS_MAX_EPOCHS", a.max_epochs),
                       ("KERAS_MAX_STEPS_PER_EPOCH", a.max_steps_per_epoch)):
        if value is not None:
            os.environ[var] = str(value)
    keras_limits = {v: os.environ[v] for v in ("KERAS_MAX_EPOCHS", "KERAS_MAX_STEPS_PER_EPOCH")
                    if os.environ.get(v)}

    src = a.keras3_src.resolve()
    results = {} if a.fresh or not a.results.exists() else json.loads(a.results.read_text())
    results.setdefault("tests", {})
    results.setdefault("vignettes", {})
    for other_path in a.merge_from:
        other = json.loads(other_path.read_text())
        for part in ("tests", "vignettes"):
            for name, entry in other.get(part, {}).items():
                results[part].setdefault(name, {}).update(entry)
        for key, value in other.get("meta", {}).items():
            results.setdefault("meta", {}).setdefault(key, value)
        if "rkeras_version" in other.get("meta", {}):
            results["meta"]["rkeras_version"] = other["meta"]["rkeras_version"]
    if a.table_only:
        if a.merge_from:
            a.results.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        print(write_table(results, a.table))
        return 0
    if not (src / "tests" / "testthat").is_dir():
        ap.error(f"{src} has no tests/testthat: pass a keras3 source folder (rstudio/keras3 v1.5.1)")
    sides = SIDES if a.side == "both" else (a.side,)
    if "keras3" in sides and not (a.peer_lib / "keras3").is_dir():
        ap.error(f"real keras3 is not installed in {a.peer_lib}: build it as "
                 "../shared/reference/keras3-peer.md says, pass --peer-lib, or use --side rkeras")
    if "rkeras" in sides and not (REPO / ".venv" / "bin" / "rkeras").exists():
        ap.error("no .venv/bin/rkeras: run `make setup` first")
    a.workdir.mkdir(parents=True, exist_ok=True)
    wanted = lambda name: not a.only or any(s in name for s in a.only)  # noqa: E731

    def save():
        results.setdefault("meta", {}).update(
            keras3_src=str(src), updated=_dt.datetime.now().isoformat(timespec="seconds"))
        a.results.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
        write_table(results, a.table)

    if "rkeras" in sides:
        tree = (a.rkeras_tree or REPO).resolve()
        results.setdefault("meta", {})["rkeras_tree"] = str(tree)
        commit = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h"],
                                capture_output=True, text=True).stdout.strip()
        results["meta"]["rkeras_version"] = (
            f"source tree {tree}" if a.rkeras_tree else f"working tree at {commit}")
    if not a.vignettes_only:
        for path in test_files(src):
            if not wanted(path.name):
                continue
            for side in sides:
                r = run_test_file(side, path, a.workdir, a.peer_lib, a.timeout, a.rkeras_tree)
                results["tests"].setdefault(path.name, {})[side] = r
                n_pass = sum(b["status"] == "pass" for b in r["blocks"])
                print(f"{side:7s} {path.name:40s} {n_pass:3d}/{len(r['blocks']):3d} blocks passed "
                      f"{r['seconds']:6.1f}s{' TIMEOUT' if r['timed_out'] else ''}", flush=True)
                save()
    if not a.tests_only:
        for rmd in vignette_files(src):
            name = str(rmd.relative_to(src / "vignettes-src"))
            if not wanted(name) or (name in not_comparable_vignettes() and not a.only):
                continue
            evaluable = sum(c["eval"] for c in extract_chunks(rmd))
            entry = results["vignettes"].setdefault(name, {})
            entry["evaluable"] = evaluable
            for side in sides:
                r = run_vignette(side, rmd, name, a.workdir, a.peer_lib, a.vignette_timeout, a.rkeras_tree)
                if keras_limits:
                    r["keras_limits"] = keras_limits
                entry[side] = r
                ok = sum(c["status"] == "ok" for c in r["chunks"])
                print(f"{side:7s} {name:55s} {ok:3d}/{evaluable:3d} chunks ok "
                      f"{r['seconds']:6.1f}s{' TIMEOUT' if r['timed_out'] else ''}", flush=True)
                save()
    save()
    print(f"results: {a.results}\ntable:   {a.table}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
