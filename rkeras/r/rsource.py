"""Writing R source from Python: literals, names, formals, the verbs' R functions, verb help.

Both the R front end (one R function per registry verb, :func:`generate_source`)
and ``r_function`` (an R function per Python callable, :func:`function_formals`)
write R code; they share these rules. Nothing here needs R.

Argument names
    One rule maps Python parameter names to R (:func:`r_param_name`): a
    Python name with a trailing underscore (Python's escape for a reserved
    word, e.g. ``from_``) is the bare word in R (``from``); a Python name that
    is an R reserved word (``function``, ``in`` ...) gets a trailing underscore
    in R, except where keras3 chose another spelling (``layer_lambda(f =)``,
    :data:`R_NAME_OVERRIDES`).

The verbs' R functions
    Each verb is rendered as::

        layer_dense <- function(object, units, activation = NULL, use_bias = TRUE,
                                kernel_initializer = "glorot_uniform", <...>,
                                trainable = TRUE, ...) .rk_verb("layer_dense")

    The formals are the verb's R-facing parameters with Keras's defaults in
    R syntax (:func:`r_literal`; a default R cannot spell becomes ``NULL`` and
    is kept in the help text), plus a final ``...`` (merge layers: right after
    ``inputs``, where keras3 has it, so ``layer_add(x, y)`` works). The body
    calls ``.rk_verb`` (``rkeras/r/R/00-core.R``), which hands the supplied
    arguments to the front end (:mod:`rkeras.r.frontend`).
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import re
from pathlib import Path
from typing import Any, Callable, Optional

from ..registry import registry

__all__ = [
    "R_RESERVED", "VALID_R_NAME", "R_NAME_OVERRIDES", "r_string", "r_literal", "r_symbol",
    "r_param_name", "python_param_name", "name_maps", "r_formals", "function_formals",
    "generate_source", "verb_help", "VERBS_FILE", "render_verbs_file", "read_verbs_file",
    "verbs_file_key", "write_verbs_cache",
]

# R's reserved words (?Reserved): not usable as argument names without backticks.
R_RESERVED = frozenset({
    "if", "else", "repeat", "while", "function", "for", "next", "break", "in",
    "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
    "NA_character_", "NA_complex_",
})

VALID_R_NAME = re.compile(r"^(?:[A-Za-z]|[.](?![0-9]))[A-Za-z0-9._]*$")


def r_string(text: str) -> str:
    # JSON's escapes (\", \\, \n, \uXXXX) are valid in R string literals.
    return json.dumps(text)


def r_literal(value: Any) -> Optional[str]:
    """R source for a Python default value, or None when R cannot spell it.

    Example:
        >>> r_literal(None), r_literal(True), r_literal((1, 1)), r_literal("relu")
        ('NULL', 'TRUE', 'c(1L, 1L)', '"relu"')
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return f"{value}L" if abs(value) <= 2147483647 else repr(float(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Inf" if value > 0 else "-Inf"
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, str):
        return r_string(value)
    if isinstance(value, (tuple, list)):
        if not value:
            return "list()"
        parts = [r_literal(v) for v in value]
        if any(p is None for p in parts):
            return None
        atomic = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) \
            or all(isinstance(v, str) for v in value) or all(isinstance(v, bool) for v in value)
        return ("c(" if atomic else "list(") + ", ".join(parts) + ")"
    return None


def r_symbol(name: str) -> str:
    if VALID_R_NAME.match(name) and name not in R_RESERVED:
        return name
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


# (verb, Python name) -> R name, where keras3 spells an argument its own way.
R_NAME_OVERRIDES: dict[tuple[str, str], str] = {
    ("layer_lambda", "function"): "f",
}


def r_param_name(verb: str, python_name: str) -> str:
    """The R name of a Python parameter (the one documented rule).

    * keras3's own spellings first (:data:`R_NAME_OVERRIDES`):
      ``layer_lambda(function=)`` is ``f``;
    * ``word_`` (Python's escape for a reserved word) is ``word`` in R when
      ``word`` is a valid, non-reserved R name: ``from_`` -> ``from``;
    * an R reserved word gets a trailing underscore: ``in`` -> ``in_``;
    * anything else R cannot spell (a leading underscore) gets a leading dot.

    Example:
        >>> r_param_name("freeze_weights", "from_")
        'from'
    """
    if (verb, python_name) in R_NAME_OVERRIDES:
        return R_NAME_OVERRIDES[(verb, python_name)]
    if python_name.endswith("_") and len(python_name) > 1:
        bare = python_name[:-1]
        if bare not in R_RESERVED and VALID_R_NAME.match(bare):
            return bare
    if python_name in R_RESERVED:
        return python_name + "_"
    if not VALID_R_NAME.match(python_name):
        return "." + python_name.lstrip("_") if python_name.startswith("_") else python_name
    return python_name


@functools.lru_cache(maxsize=None)
def name_maps(verb_name: str) -> tuple[dict, dict]:
    """(R name -> Python name, Python name -> R name) for one verb."""
    verb = registry()[verb_name]
    to_r, to_py = {}, {}
    for p in verb.parameters:
        r = r_param_name(verb_name, p.name)
        if r in to_py:          # two Python names would collide: keep the plain one
            r = p.name
        to_r[p.name] = r
        to_py[r] = p.name
    return to_py, to_r


def python_param_name(verb: str, r_name: str) -> str:
    """The Python name of an R argument of `verb` (inverse of :func:`r_param_name`)."""
    return name_maps(verb)[0].get(r_name, r_name)


def r_formals(verb) -> tuple[str, list[str], dict[str, str]]:
    """(formals source, R formal names, {R name: Python default repr} not spelled in R)."""
    _, to_r = name_maps(verb.name)
    parts, names, unspelled = [], [], {}
    dots_after_subject = verb.kind == "layer" and verb.subject == "inputs"
    for p in verb.parameters:
        if p.name == verb.varargs:        # R's `...` collects these values
            if "..." not in names:
                parts.append("...")
                names.append("...")
            continue
        r = to_r[p.name]
        src = r_symbol(r)
        # The pipe subject (and y_true/y_pred) have no default in keras3's
        # signatures: `missing()` is what tells "not given".
        no_default = (p.name == verb.subject
                      or (verb.kind in ("loss", "metric") and p.name in ("y_true", "y_pred")))
        if p.default is not inspect.Parameter.empty and not no_default:
            lit = r_literal(p.default)
            if lit is None:
                unspelled[r] = repr(p.default)
                lit = "NULL"
            src += " = " + lit
        parts.append(src)
        names.append(r)
        if dots_after_subject and p.name == verb.subject:
            parts.append("...")
            names.append("...")
    if "..." not in names:
        parts.append("...")
        names.append("...")
    return ", ".join(parts), names, unspelled


def _verb_source(verb, as_name: str) -> str:
    formals, _, _ = r_formals(verb)
    return f"{r_symbol(as_name)} <- function({formals}) .rk_verb({r_string(verb.name)})\n"


@functools.lru_cache(maxsize=None)
def generate_source(masked: frozenset = frozenset()) -> str:
    """The R source defining every registry verb (cached per process).

    Args:
        masked: verb names R already has (``summary``, ``predict``): these are
            defined as ``.rk_verb_<name>`` and installed as S3 methods for
            rkeras handles, so R's own generics keep working.
    """
    chunks = ["# Generated by rkeras.r.rsource.generate_source() from the verb registry.\n"]
    for name in sorted(registry()):
        verb = registry()[name]
        chunks.append(_verb_source(verb, f".rk_verb_{name}" if name in masked else name))
    return "".join(chunks)


# --------------------------------------------------------------------------
# The verbs' R source generated ahead of time (tools/gen_r_verbs.py)
# --------------------------------------------------------------------------
VERBS_FILE = Path(__file__).with_name("generated") / "verbs.R"
"""The committed R source of every verb, so `rkeras run` and `library(keras)` need no Keras."""

REGENERATE_COMMAND = "make r-verbs  (or: .venv/bin/python tools/gen_r_verbs.py)"


def verbs_file_key() -> str:
    """What the generated verbs depend on: Keras's version and rkeras's Python sources.

    Keras's version comes from the installed package's metadata (no Keras
    import); the sources are hashed (every ``rkeras/**/*.py``, about 2 ms), so
    an edited registry is never served stale verbs.
    """
    import hashlib
    from importlib import metadata

    try:
        keras_version = metadata.version("keras")
    except metadata.PackageNotFoundError:
        keras_version = "none"
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return f"keras {keras_version}; rkeras sources {digest.hexdigest()[:16]}"


def render_verbs_file(key: Optional[str] = None) -> str:
    """The text of :data:`VERBS_FILE` for the installed Keras (builds the registry).

    Every verb under its own name (``generate_source()`` with nothing masked;
    the front end renames the ones R already has when it installs them), then
    ``.rk_verb_names``, the verbs' names, so installing needs no registry.
    """
    names = sorted(registry())
    return (f"# generated by tools/gen_r_verbs.py from the verb registry, do not edit\n"
            f"# key: {key or verbs_file_key()}\n"
            f"# regenerate with: {REGENERATE_COMMAND}\n"
            + generate_source()
            + ".rk_verb_names <- c(" + ", ".join(r_string(n) for n in names) + ")\n")


def _cache_file(key: str) -> Path:
    import hashlib
    import os

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = hashlib.sha256(key.encode()).hexdigest()[:20]
    return Path(base) / "rkeras" / f"r-verbs-{name}.R"


def _read_if_key(path: Path, key: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return None
    second = text.split("\n", 2)[1] if text.count("\n") >= 2 else ""
    return text if second == f"# key: {key}" else None


def read_verbs_file() -> Optional[str]:
    """The verbs' R source made for this Keras and these rkeras sources, or None.

    First the committed :data:`VERBS_FILE`, then the per-user cache that
    :func:`write_verbs_cache` fills (a source tree being edited, another
    Keras). None makes the front end generate the source from the registry
    at install time: slower (Keras is imported), never wrong.
    """
    key = verbs_file_key()
    return _read_if_key(VERBS_FILE, key) or _read_if_key(_cache_file(key), key)


def write_verbs_cache() -> None:
    """Save the verbs' R source for this key in the user's cache (best effort), so the next start is fast."""
    import os
    import tempfile

    key = verbs_file_key()
    path = _cache_file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render_verbs_file(key))
        os.replace(tmp, path)
        # One file per key: an edited tree makes a new one each time; keep the newest few.
        old = sorted(path.parent.glob("r-verbs-*.R"), key=lambda f: f.stat().st_mtime)[:-4]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError:
        pass


def verb_help(name: str) -> str:
    """The help text of a verb, as R's ``?verb`` shows it in the front end."""
    verb = registry().get(name)
    if verb is None:
        return ""
    formals, _, unspelled = r_formals(verb)
    lines = [f"{name}({formals})", ""]
    if unspelled:
        lines.append("Defaults R cannot spell (shown as NULL above; Keras's default applies):")
        lines += [f"  {k} = {v}" for k, v in unspelled.items()]
        lines.append("")
    lines.append(verb.doc or "")
    return "\n".join(lines)


def function_formals(fn: Callable) -> tuple[str, list[str]]:
    """(R formals source, formal names in order) from a Python signature."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return "...", ["..."]
    parts, names, has_dots = [], [], False
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            if not has_dots:
                parts.append("...")
                names.append("...")
                has_dots = True
            continue
        src = r_symbol(p.name)
        if p.default is not p.empty:
            lit = r_literal(p.default)
            src += " = " + (lit if lit is not None else "NULL")
        parts.append(src)
        names.append(p.name)
    return ", ".join(parts), names
