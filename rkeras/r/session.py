"""The embedded R session: start-up, the one lock, entered(), thread policy, release queue.

Everything rkeras does with R goes through :func:`entered` (a context manager)
or the evaluation functions built on it (:mod:`rkeras.r.evaluate`). Entering
does, in this order:

1. starts R on first use (:func:`get_r`; ``import rkeras.r`` never does) and
   loads rkeras's R code (every ``rkeras/r/R/*.R`` file, in name order, by
   :func:`load_r_files`) into one private R environment;
2. takes **the** lock, ``rpy2.rinterface_lib.openrlib.rlock`` (re-entrant, the
   same lock rpy2 uses), so R only ever runs on one thread at a time;
3. on the outermost entry of a thread: sets rpy2's conversion rules (the
   ``ContextVar`` of ``rpy2.robjects.conversion``) to rkeras's converter for
   this thread (rpy2 issues #965/#978: a new thread otherwise has *no* rules),
   turns R's C-stack check on for this thread's stack and, on the main
   thread, routes Ctrl-C to R (:mod:`rkeras.r.interrupts`);
4. on the way out, undoes 3 and releases R objects whose Python proxies died
   in other threads while R was busy (see "Releasing R objects").

Threads
    **Decision: calls from any thread are serialised under the lock** (the
    default policy ``"serialize"``). Measured on R 4.2.2 + rpy2 3.6.5: without
    the lock, 4 threads calling R corrupt or kill the process (environment.md
    W2); with it, 4 threads x 50 calls succeed (tests/test_r_session.py runs
    this every time). What made it safe here, beyond the lock, is the per-thread
    C stack bounds and the release queue. :func:`set_thread_policy`
    ``("owner")`` makes calls from any thread but the one that started R raise
    :class:`RThreadError` instead, for code (e.g. training callbacks) that must
    never run R off the main thread. A thread calling R blocks while another
    runs R: a long R computation holds every other thread that wants R. A
    thread that has waited :data:`LOCK_WAIT_WARNING` seconds gets a
    ``RuntimeWarning`` naming the lock holder (the classic deadlock: R calls
    Python, which waits for a worker thread that wants R).

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
import os
import sys
import threading
import warnings
from pathlib import Path
from typing import Callable, Iterator, Optional

from . import interrupts

__all__ = [
    "RThreadError",
    "get_r",
    "r_lock",
    "entered",
    "bridge_env",
    "load_r_files",
    "R_DIR",
    "use_converter",
    "after_leaving",
    "set_thread_policy",
    "get_thread_policy",
    "is_started",
    "lent",
    "LOCK_WAIT_WARNING",
]

R_DIR = Path(__file__).with_name("R")
"""rkeras's R code: every ``*.R`` file here is loaded, in name order, when R starts."""


class RThreadError(RuntimeError):
    """R was called from a thread that the thread policy does not allow."""


# --------------------------------------------------------------------------
# Module state
# --------------------------------------------------------------------------
_init_lock = threading.Lock()
_session: Optional["Session"] = None
_tls = threading.local()
_thread_policy = "serialize"
_converter_factory: Optional[Callable] = None
_after_leaving: list = []


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


def use_converter(factory: Callable) -> None:
    """Make ``factory()`` (an rpy2 ``Converter``) the rpy2 rules of every thread inside R.

    :mod:`rkeras.r.convert` registers its converter here when it is imported;
    the session itself knows nothing about conversion.
    """
    global _converter_factory
    _converter_factory = factory


def after_leaving(fn: Callable[[], None]) -> None:
    """Run ``fn()`` after each outermost exit from R, once the lock is released."""
    if fn not in _after_leaving:
        _after_leaving.append(fn)


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
# rkeras's R code
# --------------------------------------------------------------------------
def r_files() -> list[Path]:
    """rkeras's R source files, in the order they are loaded (by name)."""
    return sorted(R_DIR.glob("*.R"), key=lambda p: p.name)


def load_r_files(ri, env) -> None:
    """Evaluate every file of :data:`R_DIR`, in name order, into the R environment ``env``.

    The one place rkeras's R code is loaded: a new ``.R`` file there is
    loaded with the others, with no Python change. ``00-core.R`` comes first
    (it starts the ``.rk_s3`` table the other files append their S3 methods to).
    """
    for path in r_files():
        try:
            ri.evalr(path.read_text(encoding="utf-8"), envir=env)
        except ri.embedded.RRuntimeError as error:
            raise RuntimeError(f"rkeras could not load its R code {path}: {error}. "
                               f"The installation is broken: reinstall rkeras.") from None


# --------------------------------------------------------------------------
# The started R
# --------------------------------------------------------------------------
class Session:
    """The started R: rpy2 modules, libR, rkeras's R environment, per-process bookkeeping.

    Attributes:
        ri, rlib, ffi: ``rpy2.rinterface`` and rpy2's cffi handles to libR.
        libR: a ctypes handle to libR (for the few symbols cffi does not declare).
        env: the private R environment holding rkeras's R code (:func:`load_r_files`);
            the R front end attaches it to R's search path as ``"rkeras"``.
        owner: the thread that started R.
    """

    def __init__(self) -> None:
        library_path = os.environ.get("LD_LIBRARY_PATH")
        from .r_location import r_environment_answered, rpy2_probes_answered

        with rpy2_probes_answered():  # rpy2's import probes R twice; asked once, cached
            import rpy2.rinterface as ri
        import rpy2.rinterface_lib._rinterface_capi as capi
        import rpy2.rinterface_lib.embedded as embedded
        from rpy2.rinterface_lib import openrlib

        self.ri = ri
        self.openrlib = openrlib
        self.rlib = openrlib.rlib
        self.ffi = openrlib.ffi
        self.capi = capi
        self.embedded = embedded
        self.owner = threading.current_thread()

        with openrlib.rlock:
            if not embedded.isinitialized():
                with r_environment_answered():  # initr() asks a third R for its variables
                    ri.initr()
            # robjects: importing it once in the starting thread completes
            # rpy2's set-up; rkeras never relies on its global conversion.
            import rpy2.robjects  # noqa: F401
        _restore_library_path(library_path)

        self._install_safe_release()
        self._pending_release: collections.deque = collections.deque()
        self.libR = ctypes.CDLL(self._libr_path())
        self.interrupts_pending = ctypes.c_int.in_dll(self.libR, "R_interrupts_pending")
        self.cstack = interrupts.CStack(self.rlib, self.ffi)
        with openrlib.rlock:
            self.env = ri.baseenv["new.env"](parent=ri.baseenv)
            load_r_files(ri, self.env)
            self.h_eval_text = self.env[".rk_eval_text"]
            self.h_call_fun = self.env[".rk_call_fun"]

    @staticmethod
    def _libr_path() -> str:
        import platform

        import rpy2.situation
        from rpy2.rinterface_lib import openrlib
        return rpy2.situation.get_rlib_path(openrlib.R_HOME, platform.system())

    # ------------------------------------------------------------------ release
    def _install_safe_release(self) -> None:
        capi = self.capi
        if getattr(capi._release, "_rkeras_safe", False):
            self._original_release = capi._release._rkeras_original
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

    def pending_releases(self) -> int:
        """How many R objects wait to be released (see "Releasing R objects")."""
        return len(self._pending_release)

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


def get_r() -> Session:
    """Start the embedded R (once, lazily) and return the session object.

    Safe to call from any thread; the first call starts R (about 0.2-0.7 s).
    Prefer :func:`entered` and :mod:`rkeras.r.evaluate`, which also take the
    lock and set up the thread.
    """
    global _session
    s = _session
    if s is not None:
        return s
    with _init_lock:
        if _session is None:
            _session = Session()
    return _session


# --------------------------------------------------------------------------
# Entering R
# --------------------------------------------------------------------------
class _ThreadState:
    """Per-thread bookkeeping of :func:`entered`."""

    __slots__ = ("depth", "stack_on", "interrupts", "conv_token")

    def __init__(self) -> None:
        self.depth = 0            # nesting of entered() in this thread
        self.stack_on = False     # R's C stack check points at this thread's stack
        self.interrupts = None    # interrupts.Interrupts while R runs on the main thread
        self.conv_token = None    # ContextVar token of the rpy2 conversion rules


def _thread_state() -> _ThreadState:
    st = getattr(_tls, "state", None)
    if st is None:
        st = _tls.state = _ThreadState()
    return st


@contextlib.contextmanager
def entered() -> Iterator[Session]:
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
        for fn in _after_leaving:
            fn()
        ints, st.interrupts = st.interrupts, None
        # An interrupt R consumed and handled (tryCatch(interrupt=)) needs nothing; an
        # uncaught one was raised as KeyboardInterrupt by the evaluation that saw it.
        interrupts.deliver(ints)


@contextlib.contextmanager
def lent() -> Iterator[None]:
    """Let other threads run R while this thread runs code that never touches R.

    R calls Python (``fit`` from an R script) with the R lock held, and Keras
    then reads an R function's batches on a TensorFlow thread while this
    thread waits in TensorFlow for them: with the lock held, that is a
    deadlock. Inside this block the lock is free: the reader thread takes it
    for each batch (R still runs on one thread at a time; R's C stack check
    follows it, see :class:`rkeras.r.interrupts.CStack`); R code called back
    on this thread takes it as usual. On exit the lock is taken back with its
    full re-entry count. A no-op when this thread is not inside R.
    """
    st = getattr(_tls, "state", None)
    if _session is None or st is None or st.depth == 0:
        yield
        return
    global _lock_holder
    rlock = _session.openrlib.rlock
    # threading.Condition's own way to release an RLock entirely and take it
    # back at the same depth (the C RLock has no public equivalent).
    saved = rlock._release_save()
    try:
        yield
    finally:
        rlock._acquire_restore(saved)
        _lock_holder = threading.current_thread().name
        if st.stack_on:            # a reader thread pointed the check at its own stack
            _session.cstack.enter()


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


def _enter_outer(sess: Session, st: _ThreadState) -> None:
    global _lock_holder
    _lock_holder = threading.current_thread().name
    sess.drain_releases()
    if _converter_factory is not None:
        from rpy2.robjects import conversion as rconv
        st.conv_token = rconv.converter_ctx.set(_converter_factory())
    st.stack_on = sess.cstack.enter()
    st.interrupts = interrupts.route_sigint(sess.interrupts_pending)


def _exit_outer(sess: Session, st: _ThreadState) -> None:
    interrupts.stop_routing(st.interrupts, sess.interrupts_pending)
    sess.cstack.leave(st.stack_on)
    st.stack_on = False
    if st.conv_token is not None:
        from rpy2.robjects import conversion as rconv
        try:
            rconv.converter_ctx.reset(st.conv_token)
        except ValueError:
            pass
        st.conv_token = None
    sess.drain_releases()


def bridge_env():
    """The private R environment holding rkeras's R code (what the R front end attaches)."""
    with entered() as sess:
        return sess.env
