"""The embedded R session: start-up, the one lock, threads, evaluation, errors.

Everything rkeras does with R goes through :func:`entered` (a context manager)
or one of the evaluation functions built on it (:func:`r_eval`,
:func:`r_call`). Entering does, in this order:

1. starts R on first use (:func:`get_r`; ``import rkeras.r`` never does);
2. takes **the** lock, ``rpy2.rinterface_lib.openrlib.rlock`` (re-entrant, the
   same lock rpy2 uses), so R only ever runs on one thread at a time;
3. on the outermost entry of a thread: sets rpy2's conversion rules (the
   ``ContextVar`` of ``rpy2.robjects.conversion``) to
   :func:`rkeras.r.convert.converter` for this thread (rpy2 issues #965/#978:
   a new thread otherwise has *no* rules), turns R's C-stack check on for this
   thread's stack (see below), and, on the main thread, routes Ctrl-C to R;
4. on the way out, undoes 3 and releases R objects whose Python proxies died
   in other threads while R was busy (see "Releasing R objects").

Threads
    **Decision: calls from any thread are serialised under the lock** (the
    default policy ``"serialize"``). Measured on R 4.2.2 + rpy2 3.6.5: without
    the lock, 4 threads calling R corrupt or kill the process (environment.md
    W2); with it, 4 threads x 50 calls succeed (tests/test_r_session.py runs
    this every time). What made it safe here, beyond the lock, is the per-thread
    C stack bounds below and the release queue. :func:`set_thread_policy`
    ``("owner")`` makes calls from any thread but the one that started R raise
    :class:`RThreadError` instead, for code (e.g. training callbacks) that must
    never run R off the main thread. A thread calling R blocks while another
    runs R: a long R computation holds every other thread that wants R. A
    thread that has waited :data:`LOCK_WAIT_WARNING` seconds gets a
    ``RuntimeWarning`` naming the lock holder (the classic deadlock: R calls
    Python, which waits for a worker thread that wants R).

C stack
    rpy2 starts R with ``R_CStackLimit = -1``, which disables R's C stack check,
    so deep recursion in R segfaults the whole Python process (environment.md
    W1). R's own limit cannot simply be restored, because R compares the stack
    pointer to the stack *start of the thread that started R*, so every call
    from another thread would fail ("C stack usage ... too close to the limit",
    then a fatal JIT error). rkeras therefore sets ``R_CStackStart`` /
    ``R_CStackLimit`` on each outermost entry to the *calling thread's* stack
    (its top and 90 % of its size, from ``pthread_getattr_np``; cached per
    thread), and restores ``-1`` on exit so that plain rpy2 calls made outside
    rkeras behave as before. Result: ``f <- function(n) if (n==0) 0 else
    1+f(n-1); f(1e5)`` raises :class:`RError` ("C stack usage ... is too close
    to the limit") on the main thread and on other threads alike. If the stack
    bounds cannot be read (non-glibc), the check stays off and
    ``options(expressions=)`` is the only guard.

Errors and warnings
    R code is run inside an R-side ``withCallingHandlers(tryCatch(...))``
    wrapper. An R error raises :class:`RError` whose message is R's
    ``conditionMessage()`` (attributes: ``r_message``, ``r_class``,
    ``r_call``). R warnings are muffled in R and re-issued in Python as
    ``warnings.warn(message, RWarning)`` after the call. A Python exception
    raised in a Python function called from R (see
    :func:`rkeras.r.handles.r_function`) becomes an R error of class
    ``c("rkeras_python_error", "error", "condition")`` whose message is
    ``"<ExcType>: message"``, catchable with ``tryCatch``; if it is not caught
    in R and comes back to Python, the :class:`RError` has the original
    exception as ``__cause__`` and ``py_exception``.

Ctrl-C
    Stock rpy2 loses Ctrl-C during a pure-R loop (the ``KeyboardInterrupt`` is
    raised inside rpy2's ``_processevents`` callback and ignored; the loop runs
    to completion, environment.md section 2). On its first main-thread call
    into R, rkeras wraps the current Python SIGINT handler in a router that,
    while R runs on the main thread, sets R's ``R_interrupts_pending`` instead
    of raising, and otherwise calls the wrapped handler (so Python behaves as
    before outside R). R then stops at its next interrupt check (measured: a
    2e9-iteration ``for`` loop stops about 1 s after the signal, not at its end),
    R's ``tryCatch(interrupt=)`` sees the interrupt, and if R does not handle it
    Python gets a ``KeyboardInterrupt``. An interrupt that arrives while R is
    in Python code (a callback) is delivered to R at its next check. R running
    on another thread cannot be interrupted by Ctrl-C.

Releasing R objects
    rpy2 releases an R object (``R_ReleaseObject``) when its Python proxy is
    garbage collected, in whatever thread that happens and without any lock,
    while another thread may be running R. rkeras replaces rpy2's release
    function so that a release made while another thread holds the R lock is
    queued and done at the next rkeras entry or exit instead.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import ctypes.util
import itertools
import os
import signal
import sys

try:                                  # the C functions behind `signal` (no enum conversions)
    import _signal as _sig
except ImportError:                   # pragma: no cover
    _sig = signal
import threading
import warnings
from typing import Any, Callable, Iterator, Optional

__all__ = [
    "RError",
    "RWarning",
    "RThreadError",
    "get_r",
    "r_lock",
    "entered",
    "r_eval",
    "r_call",
    "r_assign",
    "bridge_env",
    "set_thread_policy",
    "get_thread_policy",
    "is_started",
]


# --------------------------------------------------------------------------
# Exceptions
# --------------------------------------------------------------------------
class RError(RuntimeError):
    """An error raised by R code run through rkeras.

    ``str(err)`` is R's ``conditionMessage()`` (not rpy2's "Error in ..." text).

    Attributes:
        r_message: R's condition message.
        r_class: the R condition's class vector, e.g. ``("simpleError",
            "error", "condition")``.
        r_call: the deparsed call R reports for the error, or ``None``.
        py_exception: when the error is a Python exception that crossed into R
            (from a Python function called by R) and back, that exception
            (also set as ``__cause__``); else ``None``.
    """

    def __init__(self, message: str, r_class: tuple = ("simpleError", "error", "condition"),
                 r_call: Optional[str] = None, py_exception: Optional[BaseException] = None):
        super().__init__(message)
        self.r_message = message
        self.r_class = tuple(r_class)
        self.r_call = r_call
        self.py_exception = py_exception


class RWarning(UserWarning):
    """A warning raised by R code run through rkeras (R's ``warning()``)."""


class RThreadError(RuntimeError):
    """R was called from a thread that the thread policy does not allow."""


# --------------------------------------------------------------------------
# Module state
# --------------------------------------------------------------------------
_init_lock = threading.Lock()
_session: Optional["_Session"] = None
_tls = threading.local()
_thread_policy = "serialize"
_MAIN_THREAD = threading.main_thread()


def _rpy2():
    """The rpy2 low-level modules (importing them loads libR but does not start R)."""
    from rpy2.rinterface_lib import openrlib
    return openrlib


class _RLockProxy:
    """The one re-entrant lock held around every call into R.

    It is rpy2's own ``openrlib.rlock``, so rpy2's locking
    (``rpy2.rinterface_lib.memorymanagement.rmemory``) and rkeras exclude each
    other. Use ``with r_lock: ...`` around direct rpy2 calls that must not
    interleave with rkeras's R calls from other threads; ``r_lock()`` returns
    the underlying ``threading.RLock``. Touching it loads libR (rpy2's
    ``openrlib``) but does not start R.
    """

    __slots__ = ()

    def __call__(self) -> "threading.RLock":
        return _rpy2().rlock

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return _rpy2().rlock.acquire(blocking, timeout)

    def release(self) -> None:
        _rpy2().rlock.release()

    def __enter__(self):
        _rpy2().rlock.acquire()
        return self

    def __exit__(self, *exc) -> bool:
        _rpy2().rlock.release()
        return False

    def __repr__(self) -> str:
        return "<rkeras r_lock (rpy2 openrlib.rlock)>"


r_lock = _RLockProxy()


def set_thread_policy(policy: str) -> None:
    """Choose what happens when R is called from a thread other than R's owner.

    Args:
        policy: ``"serialize"`` (default): the call waits for the lock and
            runs, with the thread's own conversion rules and C stack bounds.
            ``"owner"``: the call raises :class:`RThreadError` unless it comes
            from the thread that started R (normally the main thread).
    """
    global _thread_policy
    if policy not in ("serialize", "owner"):
        raise ValueError(f"thread policy must be 'serialize' or 'owner', not {policy!r}")
    _thread_policy = policy


def get_thread_policy() -> str:
    """The current thread policy (see :func:`set_thread_policy`)."""
    return _thread_policy


def _restore_library_path(value: str | None) -> None:
    """Undo R's LD_LIBRARY_PATH (R's `ldpaths`), which rpy2 puts into our environment.

    libR is loaded by then, so this process no longer needs it, but every
    program started from here would inherit it: with Debian's R it puts
    /usr/lib/x86_64-linux-gnu first, so a Python started by a test, a
    notebook kernel or `rkeras run` loads the system libpython instead of its
    own (seen as `_ssl ... undefined symbol: _PyModule_Add`).
    """
    if value is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = value


def is_started() -> bool:
    """True once rkeras (or anyone, through rpy2) has started the embedded R."""
    if _session is not None:
        return True
    if "rpy2.rinterface_lib.embedded" not in sys.modules:
        return False
    return bool(sys.modules["rpy2.rinterface_lib.embedded"].isinitialized())


# --------------------------------------------------------------------------
# The C stack of the calling thread
# --------------------------------------------------------------------------
class _StackInfo:
    """Reads the current thread's stack bounds with ``pthread_getattr_np``."""

    def __init__(self) -> None:
        self.ok = False
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
            self._self = libc.pthread_self
            self._self.restype = ctypes.c_ulong
            self._getattr = libc.pthread_getattr_np
            self._getattr.argtypes = [ctypes.c_ulong, ctypes.c_void_p]
            self._getstack = libc.pthread_attr_getstack
            self._getstack.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                                       ctypes.POINTER(ctypes.c_size_t)]
            self._destroy = libc.pthread_attr_destroy
            self._destroy.argtypes = [ctypes.c_void_p]
            self.ok = self.bounds() is not None
        except (OSError, AttributeError):
            self.ok = False

    def bounds(self) -> Optional[tuple[int, int]]:
        """(stack top address, stack size in bytes) of the calling thread, or None."""
        attr = ctypes.create_string_buffer(256)   # pthread_attr_t is 56 bytes on glibc x86-64
        if self._getattr(self._self(), attr) != 0:
            return None
        addr, size = ctypes.c_void_p(), ctypes.c_size_t()
        try:
            if self._getstack(attr, ctypes.byref(addr), ctypes.byref(size)) != 0 or not addr.value:
                return None
        finally:
            self._destroy(attr)
        return addr.value + size.value, size.value


# Fraction of the thread's stack R may use before it signals an error. R raises
# its limit by 1/0.95 while it handles the overflow error, so this must stay
# below 0.95 with room for the guard page and Python's own frames.
_CSTACK_FRACTION = 0.90


# --------------------------------------------------------------------------
# R-side helpers (evaluated once, in a private environment)
# --------------------------------------------------------------------------
_R_BRIDGE_CODE = r"""
local({
  call_text <- function(cl) {
    if (is.null(cl)) return(NULL)
    txt <- tryCatch(deparse(cl, nlines = 1L, width.cutoff = 100L)[1L],
                    error = function(e) NULL)
    if (is.null(txt) || startsWith(txt, "eval(.rk_exprs") || startsWith(txt, ".rk_thunk(") ||
        startsWith(txt, "doTryCatch(")) NULL else txt
  }
  # Runs thunk(); returns list(ok, value, message, class, call, py_token, warnings).
  capture <- function(.rk_thunk) {
    warns <- list()
    out <- withCallingHandlers(
      tryCatch(list(TRUE, .rk_thunk()),
               error = function(e) list(FALSE, e)),
      warning = function(w) {
        warns[[length(warns) + 1L]] <<- c(conditionMessage(w),
                                         if (is.null(cl <- call_text(conditionCall(w)))) NA_character_ else cl)
        tryInvokeRestart("muffleWarning")
      })
    if (isTRUE(out[[1L]])) {
      list(TRUE, out[[2L]], NULL, NULL, NULL, NULL, warns)
    } else {
      e <- out[[2L]]
      msg <- tryCatch(conditionMessage(e), error = function(e2) "<unprintable R condition>")
      tok <- if (inherits(e, "rkeras_python_error")) e$py_token else NULL
      list(FALSE, NULL, paste(msg, collapse = "\n"), class(e), call_text(conditionCall(e)), tok, warns)
    }
  }
  eval_text <- function(code, env) {
    capture(function() {
      .rk_exprs <- parse(text = code, keep.source = FALSE)
      .rk_value <- NULL
      for (.rk_i in seq_along(.rk_exprs)) .rk_value <- eval(.rk_exprs[[.rk_i]], env)
      .rk_value
    })
  }
  call_fun <- function(f, args, env) {
    capture(function() {
      e <- new.env(parent = env)
      n <- length(args)
      syms <- if (n) paste0(".rk_arg", seq_len(n)) else character()
      for (i in seq_len(n)) assign(syms[i], args[[i]], envir = e)
      if (is.character(f)) {
        fn <- if (grepl("::", f, fixed = TRUE)) str2lang(f) else as.name(f)
      } else {
        assign(".rk_fun", f, envir = e)
        fn <- as.name(".rk_fun")
      }
      cl <- as.call(c(list(fn), lapply(syms, as.name)))
      nm <- names(args)
      if (!is.null(nm)) names(cl) <- c("", nm)
      eval(cl, e)
    })
  }
  # Python functions seen from R (see rkeras/r/handles.py).
  collect_args <- function(fnames, env) {
    out <- list()
    nms <- character()
    for (n in fnames) {
      if (n == "...") {
        dots <- eval(quote(list(...)), env)
        if (length(dots)) {
          out <- c(out, dots)
          dn <- names(dots)
          nms <- c(nms, if (is.null(dn)) rep("", length(dots)) else dn)
        }
      } else if (!eval(call("missing", as.name(n)), env)) {
        out <- c(out, list(get(n, envir = env, inherits = FALSE)))
        nms <- c(nms, n)
      }
    }
    names(out) <- nms
    out
  }
  raise_python_error <- function(res, call) {
    cond <- structure(
      class = c("rkeras_python_error", "error", "condition"),
      list(message = res$message, call = call, py_type = res$type, py_token = res$token))
    stop(cond)
  }
  environment()
})
"""


class _Session:
    """The started R: rpy2 modules, the R-side helpers, per-process bookkeeping."""

    def __init__(self) -> None:
        library_path = os.environ.get("LD_LIBRARY_PATH")
        import rpy2.rinterface as ri
        from rpy2.rinterface_lib import openrlib
        import rpy2.rinterface_lib._rinterface_capi as capi
        import rpy2.rinterface_lib.embedded as embedded

        self.ri = ri
        self.openrlib = openrlib
        self.rlib = openrlib.rlib
        self.ffi = openrlib.ffi
        self.capi = capi
        self.embedded = embedded
        self.owner = threading.current_thread()
        self.stack = _StackInfo()

        with openrlib.rlock:
            if not embedded.isinitialized():
                ri.initr()
            # robjects: importing it once in the starting thread completes
            # rpy2's set-up; rkeras never relies on its global conversion.
            import rpy2.robjects  # noqa: F401
        _restore_library_path(library_path)

        self._install_safe_release()
        self._pending_release: collections.deque = collections.deque()
        self._libR = ctypes.CDLL(self._libr_path())
        self._r_interrupts_pending = ctypes.c_int.in_dll(self._libR, "R_interrupts_pending")
        with openrlib.rlock:
            self.bridge = ri.evalr(_R_BRIDGE_CODE)
            self.h_eval_text = self.bridge["eval_text"]
            self.h_call_fun = self.bridge["call_fun"]

    @staticmethod
    def _libr_path() -> str:
        import rpy2.situation
        from rpy2.rinterface_lib import openrlib
        import platform
        path = rpy2.situation.get_rlib_path(openrlib.R_HOME, platform.system())
        return path

    # ------------------------------------------------------------------ release
    def _install_safe_release(self) -> None:
        capi = self.capi
        if getattr(capi._release, "_rkeras_safe", False):
            return
        original = capi._release
        rlock = self.openrlib.rlock
        session = self

        def _release(cdata):
            # Non-blocking: the owner of the lock (or an idle R) releases now;
            # a thread that would have to wait queues the release instead.
            if rlock.acquire(blocking=False):
                try:
                    original(cdata)
                finally:
                    rlock.release()
            else:
                session._pending_release.append(cdata)

        _release._rkeras_safe = True
        _release._rkeras_original = original
        capi._release = _release
        self._original_release = original

    def drain_releases(self) -> None:
        """Release queued R objects (call with the R lock held)."""
        q = self._pending_release
        original = self._original_release
        while q:
            try:
                cdata = q.popleft()
            except IndexError:
                break
            original(cdata)


def get_r() -> _Session:
    """Start the embedded R (once, lazily) and return the session object.

    Safe to call from any thread; the first call starts R (about 0.2-0.7 s).
    Prefer :func:`entered`, :func:`r_eval` and :func:`r_call`, which also take
    the lock and set up the thread.
    """
    global _session
    s = _session
    if s is not None:
        return s
    with _init_lock:
        if _session is None:
            _session = _Session()
            # The rules table modules register their R-side pieces lazily.
    return _session


# --------------------------------------------------------------------------
# Entering R
# --------------------------------------------------------------------------
class _Interrupts:
    """One main-thread R call's view of Ctrl-C."""

    __slots__ = ("hit", "previous", "installed", "unconsumed")

    def __init__(self, previous) -> None:
        self.hit = False            # SIGINT arrived while R ran
        self.previous = previous    # the Python handler that had SIGINT before rkeras
        self.installed = True
        self.unconsumed = False     # R never looked at it (still pending on exit)


class _SigintRouter:
    """rkeras's SIGINT handler: to R while R runs on the main thread, else to the previous handler.

    Installed once (on the first main-thread call into R) and kept, so that a
    call into R costs no ``sigaction`` system calls; outside R calls it just
    forwards to the handler it replaced. If someone installs another handler
    later, the next R call wraps that one instead.
    """

    __slots__ = ("previous", "flag")

    def __init__(self, previous, flag) -> None:
        self.previous = previous
        self.flag = flag

    def __call__(self, signum, frame):
        ints = _main_interrupts
        if ints is not None:
            ints.hit = True
            self.flag.value = 1      # R stops at its next R_CheckUserInterrupt()
            return None
        prev = self.previous
        if callable(prev):
            return prev(signum, frame)
        raise KeyboardInterrupt


_sigint_router: Optional[_SigintRouter] = None
_main_interrupts: Optional[_Interrupts] = None


class _ThreadState:
    """Per-thread bookkeeping of :func:`entered`."""

    __slots__ = ("depth", "stack", "interrupts", "conv_token")

    def __init__(self) -> None:
        self.depth = 0            # nesting of entered() in this thread
        self.stack = None         # (R_CStackStart, R_CStackLimit) for this thread, or False
        self.interrupts = None    # _Interrupts while R runs on the main thread
        self.conv_token = None    # ContextVar token of the rpy2 conversion rules


def _thread_state() -> _ThreadState:
    st = getattr(_tls, "state", None)
    if st is None:
        st = _tls.state = _ThreadState()
    return st


@contextlib.contextmanager
def entered() -> Iterator[_Session]:
    """Hold the R lock with this thread set up for R; yield the session.

    Re-entrant: nested uses (R calling Python calling R) only count depth.
    All rkeras code that touches R objects does so inside this context.

    Raises:
        RThreadError: under the ``"owner"`` thread policy, from another thread.
    """
    sess = get_r()
    st = _thread_state()
    if st.depth == 0 and _thread_policy == "owner" and threading.current_thread() is not sess.owner:
        raise RThreadError(
            f"R was started by thread {sess.owner.name!r}; the thread policy is 'owner', so "
            f"thread {threading.current_thread().name!r} may not call R. Call R from the owner "
            f"thread, or rkeras.r.session.set_thread_policy('serialize').")
    rlock = sess.openrlib.rlock
    if not rlock.acquire(blocking=False):
        _wait_for_lock(rlock)
    outer = st.depth == 0
    try:
        if outer:
            _enter_outer(sess, st)
        st.depth += 1
        try:
            yield sess
        finally:
            st.depth -= 1
            if outer:
                _exit_outer(sess, st)
    finally:
        rlock.release()
    if outer:
        from . import handles
        handles._drain_dropped()
        ints = st.interrupts
        st.interrupts = None
        # R consumed an interrupt and handled it (tryCatch(interrupt=)): nothing
        # to do; an uncaught one was raised as KeyboardInterrupt by _run_helper.
        if ints is not None and ints.hit and ints.unconsumed:
            _deliver_interrupt(ints)


LOCK_WAIT_WARNING = 30.0
"""Seconds a thread waits for the R lock before warning of a possible deadlock."""

_lock_holder: Optional[str] = None


def _wait_for_lock(rlock) -> None:
    """Block until the R lock is free, warning if that takes suspiciously long.

    The classic way to hang: a thread running R (holding the lock) calls Python
    that waits for *another* thread which wants R, e.g. an R function used as a
    data generator or callback from a TensorFlow worker thread. rkeras cannot
    break that cycle, but it says what is happening instead of hanging silently.
    """
    waited = 0.0
    while not rlock.acquire(timeout=LOCK_WAIT_WARNING):
        waited += LOCK_WAIT_WARNING
        warnings.warn(
            f"thread {threading.current_thread().name!r} has waited {waited:.0f} s for the R lock "
            f"held by thread {_lock_holder!r}. R runs on one thread at a time; if that thread is "
            f"waiting for this one (an R callback or generator called from a worker thread), this "
            f"is a deadlock: run R code on the thread that called R.",
            RuntimeWarning, stacklevel=4)


def _enter_outer(sess: _Session, st) -> None:
    global _lock_holder
    _lock_holder = threading.current_thread().name
    sess.drain_releases()
    # rpy2 conversion rules for this thread.
    from rpy2.robjects import conversion as rconv
    from .convert import converter
    st.conv_token = rconv.converter_ctx.set(converter())
    # C stack bounds of this thread.
    if sess.stack.ok:
        if st.stack is None:
            b = sess.stack.bounds()
            st.stack = (b[0], int(b[1] * _CSTACK_FRACTION)) if b else False
        if st.stack:
            sess.rlib.R_CStackStart = st.stack[0]
            sess.rlib.R_CStackLimit = st.stack[1]
    # Ctrl-C on the main thread.
    st.interrupts = None
    if threading.current_thread() is _MAIN_THREAD:
        global _sigint_router, _main_interrupts
        try:
            cur = _sig.getsignal(signal.SIGINT)
            if _sigint_router is None or cur is not _sigint_router:
                if callable(cur):
                    router = _SigintRouter(cur, sess._r_interrupts_pending)
                    _sig.signal(signal.SIGINT, router)
                    _sigint_router = cur = router
            if _sigint_router is not None and cur is _sigint_router:
                st.interrupts = _main_interrupts = _Interrupts(cur.previous)
        except (ValueError, OSError):
            pass


def _exit_outer(sess: _Session, st) -> None:
    ints = st.interrupts
    if ints is not None and ints.installed:
        global _main_interrupts
        _main_interrupts = None
        # An interrupt that R did not consume must not fire later, outside
        # any R context (R would longjmp to nowhere): Python gets it instead.
        ints.unconsumed = bool(sess._r_interrupts_pending.value)
        sess._r_interrupts_pending.value = 0
    if sess.stack.ok and st.stack:
        sess.rlib.R_CStackLimit = sess.ffi.cast("uintptr_t", -1)
    if st.conv_token is not None:
        from rpy2.robjects import conversion as rconv
        try:
            rconv.converter_ctx.reset(st.conv_token)
        except ValueError:
            pass
        st.conv_token = None
    sess.drain_releases()


def _deliver_interrupt(ints: _Interrupts) -> None:
    prev = ints.previous
    if prev is signal.default_int_handler or prev is None:
        raise KeyboardInterrupt
    prev(signal.SIGINT, None)


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------
_PY_EXCEPTIONS: "collections.OrderedDict[int, BaseException]" = collections.OrderedDict()
_py_exc_ids = itertools.count(1)
_PY_EXC_MAX = 64


def _remember_py_exception(exc: BaseException) -> int:
    """Keep a Python exception raised under R so that it can be re-attached if it comes back."""
    token = next(_py_exc_ids)
    _PY_EXCEPTIONS[token] = exc
    while len(_PY_EXCEPTIONS) > _PY_EXC_MAX:
        _PY_EXCEPTIONS.popitem(last=False)
    return token


def _unpack(sess: _Session, res) -> Any:
    """Turn the R helper's result list into a value, warnings and maybe an RError."""
    from .convert import _strings, _cd, _R
    if not _R.ready:
        _R.init()
    rlib = sess.rlib
    cd = _cd(res)
    elt = rlib.VECTOR_ELT
    ok = rlib.LOGICAL_ELT(elt(cd, 0), 0) == 1
    warns = elt(cd, 6)
    nw = rlib.Rf_xlength(warns)
    for i in range(nw):
        msg, call = _strings(elt(warns, i))
        text = msg if call is None else f"{msg} (in R: {call})"
        warnings.warn(text, RWarning, stacklevel=4)
    if ok:
        return res[1]

    def strs(i):
        x = elt(cd, i)
        return _strings(x) if x.sxpinfo.type == rlib.STRSXP else []

    message = "\n".join(m for m in strs(2) if m is not None)
    r_class = tuple(c for c in strs(3) if c is not None)
    call = (strs(4) or [None])[0]
    py_exc = None
    tok = elt(cd, 5)
    if tok.sxpinfo.type == rlib.REALSXP and rlib.Rf_xlength(tok):
        py_exc = _PY_EXCEPTIONS.pop(int(rlib.REAL_ELT(tok, 0)), None)
    err = RError(message, r_class, call, py_exc)
    if py_exc is not None:
        raise err from py_exc
    raise err


def _run_helper(sess: _Session, helper, *args) -> Any:
    """Call an R helper; convert failures that escaped the R-side tryCatch."""
    try:
        res = helper(*args)
    except sess.embedded.RRuntimeError as e:
        st = _thread_state()
        ints = st.interrupts
        if ints is not None and ints.hit:
            ints.hit = False
            raise KeyboardInterrupt("R evaluation interrupted") from None
        msg = str(e).strip()
        if not msg:
            raise KeyboardInterrupt("R evaluation interrupted") from None
        if msg.startswith("Error"):
            msg = msg.split(":", 1)[-1].strip()
        raise RError(msg, ("error", "condition")) from None
    return _unpack(sess, res)


def _as_env(sess: _Session, env):
    ri = sess.ri
    if env is None:
        return ri.globalenv
    if isinstance(env, ri.SexpEnvironment):
        return env
    if isinstance(env, dict):
        from .convert import to_r
        new = ri.baseenv["new.env"](parent=ri.globalenv)
        for k, v in env.items():
            new[str(k)] = to_r(v)
        return new
    raise TypeError(f"env must be None, an R environment or a dict, not {type(env).__name__}")


def r_eval(code: str, env: Any = None, *, convert: bool = False) -> Any:
    """Evaluate R code in the embedded R and return the value.

    Args:
        code: R source; several expressions are evaluated in order and the last
            value is returned (like ``source()``).
        env: where to evaluate: ``None`` for R's global environment, an R
            environment (rpy2 ``SexpEnvironment``), or a dict of Python values
            that become variables (converted with :func:`~rkeras.r.to_r`) in a
            fresh environment whose parent is the global environment.
        convert: if True, return ``to_python(value)`` instead of the rpy2 object.

    Returns:
        The rpy2 (``rpy2.rinterface``-level) object of the last expression's
        value, or its Python conversion when ``convert=True``.

    Raises:
        RError: R signalled an error (parse errors included); the message is
            R's ``conditionMessage``.
        KeyboardInterrupt: Ctrl-C during the evaluation, not handled in R.

    R warnings are re-issued as :class:`RWarning`. Safe from any thread (the
    call is serialised under :func:`r_lock`).
    """
    if not isinstance(code, str):
        raise TypeError(f"code must be a str of R code, not {type(code).__name__}")
    with entered() as sess:
        ri = sess.ri
        res = _run_helper(sess, sess.h_eval_text, ri.StrSexpVector([code]), _as_env(sess, env))
        if convert:
            from .convert import to_python
            return to_python(res)
        return res


def r_call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an R function with Python arguments; return the rpy2 result.

    Args:
        fn: an R function (rpy2 closure), or its name (``"mean"``,
            ``"stats::sd"``) looked up from the global environment.
        *args, **kwargs: the arguments, converted with :func:`~rkeras.r.to_r`
            (rpy2 objects pass unchanged). Keyword names are R argument names
            as given (``na_rm`` is *not* translated to ``na.rm``; pass
            ``**{"na.rm": True}``).

    Returns:
        The rpy2 (``rpy2.rinterface``-level) result; use
        :func:`~rkeras.r.to_python` to convert it.

    Raises:
        RError: the call failed in R (message = R's ``conditionMessage``).

    Arguments are bound to variables ``.rk_arg1``, ``.rk_arg2`` ... of a fresh
    environment, so ``substitute()`` in the callee sees short names instead of
    deparsed data.
    """
    with entered() as sess:
        from .convert import to_r, _make_list
        ri = sess.ri
        if isinstance(fn, str):
            f = ri.StrSexpVector([fn])
        elif isinstance(fn, ri.Sexp) and fn.typeof in (sess.rlib.CLOSXP, sess.rlib.BUILTINSXP,
                                                      sess.rlib.SPECIALSXP):
            f = fn
        else:
            rf = getattr(fn, "rfunction", None)
            if rf is None:
                raise TypeError(f"fn must be an R function or its name, not {type(fn).__name__}")
            f = rf
        values = [to_r(a) for a in args] + [to_r(v) for v in kwargs.values()]
        names = [""] * len(args) + [str(k) for k in kwargs]
        arglist = _make_list(values, names if kwargs else None)
        return _run_helper(sess, sess.h_call_fun, f, arglist, ri.globalenv)


def r_assign(name: str, value: Any, env: Any = None) -> None:
    """Assign a Python value (converted with ``to_r``) to an R variable.

    Args:
        name: the R variable name.
        value: any Python value (or rpy2 object).
        env: an R environment; ``None`` for the global environment.
    """
    with entered() as sess:
        from .convert import to_r
        target = sess.ri.globalenv if env is None else env
        target[name] = to_r(value)


def bridge_env():
    """The private R environment holding rkeras's R-side helpers (for the R front end)."""
    with entered() as sess:
        return sess.bridge
