"""Operating-system glue around R calls: Ctrl-C routed to R, and R's C-stack check per thread.

C stack
    rpy2 starts R with ``R_CStackLimit = -1``, which disables R's C stack check,
    so deep recursion in R segfaults the whole Python process (environment.md
    W1). R's own limit cannot simply be restored, because R compares the stack
    pointer to the stack *start of the thread that started R*, so every call
    from another thread would fail ("C stack usage ... too close to the limit",
    then a fatal JIT error). :class:`CStack` therefore sets ``R_CStackStart`` /
    ``R_CStackLimit`` on each outermost entry to the *calling thread's* stack
    (its top and 90 % of its size, from ``pthread_getattr_np``; cached per
    thread), and restores ``-1`` on exit so that plain rpy2 calls made outside
    rkeras behave as before. Result: ``f <- function(n) if (n==0) 0 else
    1+f(n-1); f(1e5)`` raises ``RError`` ("C stack usage ... is too close to
    the limit") on the main thread and on other threads alike. If the stack
    bounds cannot be read (non-glibc), the check stays off and
    ``options(expressions=)`` is the only guard.

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
    Python gets a ``KeyboardInterrupt``. An interrupt that arrives while R
    runs Python code (``fit`` called from an R script) is raised there as a
    ``KeyboardInterrupt`` at once: ``fit`` stops within a batch and returns
    the history of its complete epochs (issue 14 item 5). R running on another
    thread cannot be interrupted by Ctrl-C.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import threading
from typing import Optional

try:                                  # the C functions behind `signal` (no enum conversions)
    import _signal as _sig
except ImportError:                   # pragma: no cover
    _sig = signal

__all__ = ["CStack", "Interrupts", "route_sigint", "stop_routing", "deliver", "take_hit",
           "CSTACK_FRACTION"]

# Fraction of the thread's stack R may use before it signals an error. R raises
# its limit by 1/0.95 while it handles the overflow error, so this must stay
# below 0.95 with room for the guard page and Python's own frames.
CSTACK_FRACTION = 0.90

_MAIN_THREAD = threading.main_thread()


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


class CStack:
    """Points R's C-stack check at the calling thread's stack while it runs R."""

    def __init__(self, rlib, ffi) -> None:
        self.rlib = rlib
        self.ffi = ffi
        self.info = _StackInfo()
        self._tls = threading.local()

    @property
    def ok(self) -> bool:
        """True when the stack bounds of threads can be read (glibc)."""
        return self.info.ok

    def enter(self) -> bool:
        """Turn R's check on for this thread's stack; True if it was turned on."""
        if not self.info.ok:
            return False
        limits = getattr(self._tls, "limits", None)
        if limits is None:
            b = self.info.bounds()
            limits = self._tls.limits = (b[0], int(b[1] * CSTACK_FRACTION)) if b else False
        if not limits:
            return False
        self.rlib.R_CStackStart = limits[0]
        self.rlib.R_CStackLimit = limits[1]
        return True

    def leave(self, was_on: bool) -> None:
        """Turn R's check off again (rpy2's setting) after :meth:`enter` turned it on."""
        if was_on:
            self.rlib.R_CStackLimit = self.ffi.cast("uintptr_t", -1)


# --------------------------------------------------------------------------
# Ctrl-C
# --------------------------------------------------------------------------
class Interrupts:
    """One main-thread R call's view of Ctrl-C."""

    __slots__ = ("hit", "previous", "unconsumed")

    def __init__(self, previous) -> None:
        self.hit = False            # SIGINT arrived while R ran
        self.previous = previous    # the Python handler that had SIGINT before rkeras
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
        if ints is not None and (frame is None or _in_r_callback(frame)):
            ints.hit = True
            self.flag.value = 1      # R stops at its next R_CheckUserInterrupt()
            return None
        if ints is not None:
            # Python code that R called (e.g. fit from an R script): a Python
            # KeyboardInterrupt stops it now (Keras's fit keeps its history);
            # setting R's flag would wait until the Python call returns.
            raise KeyboardInterrupt
        prev = self.previous
        if callable(prev):
            return prev(signum, frame)
        raise KeyboardInterrupt


def _in_r_callback(frame) -> bool:
    """True when the signal interrupted one of rpy2's callbacks, i.e. R itself is running.

    R runs C code; Python's handler only runs when R calls back into Python
    (``R_ProcessEvents``, console output), where a Python exception would be
    swallowed by rpy2: then R's own interrupt flag is the way to stop R.
    """
    for _ in range(4):
        if frame is None:
            return False
        if frame.f_code.co_filename.endswith(_RPY2_CALLBACKS):
            return True
        frame = frame.f_back
    return False


_RPY2_CALLBACKS = ("rinterface_lib/callbacks.py", "rinterface_lib\\callbacks.py")
_sigint_router: Optional[_SigintRouter] = None
_main_interrupts: Optional[Interrupts] = None


def route_sigint(pending: ctypes.c_int) -> Optional[Interrupts]:
    """On an outermost entry into R: send Ctrl-C to R (``pending`` is R's
    ``R_interrupts_pending``) until :func:`stop_routing`. Main thread only;
    returns None elsewhere, or when SIGINT cannot be handled here."""
    global _sigint_router, _main_interrupts
    if threading.current_thread() is not _MAIN_THREAD:
        return None
    try:
        cur = _sig.getsignal(signal.SIGINT)
        if (_sigint_router is None or cur is not _sigint_router) and callable(cur):
            router = _SigintRouter(cur, pending)
            _sig.signal(signal.SIGINT, router)
            _sigint_router = cur = router
        if _sigint_router is not None and cur is _sigint_router:
            _main_interrupts = Interrupts(cur.previous)
            return _main_interrupts
    except (ValueError, OSError):
        pass
    return None


def stop_routing(ints: Optional[Interrupts], pending: ctypes.c_int) -> None:
    """On the outermost exit from R: Ctrl-C goes to Python again.

    An interrupt that R did not consume must not fire later, outside any R
    context (R would longjmp to nowhere): it is cleared in R and marked
    ``unconsumed`` so that :func:`deliver` gives it to Python.
    """
    global _main_interrupts
    if ints is None:
        return
    _main_interrupts = None
    ints.unconsumed = bool(pending.value)
    pending.value = 0


def deliver(ints: Optional[Interrupts]) -> None:
    """After leaving R (lock released): give Python an interrupt R did not see."""
    if ints is None or not (ints.hit and ints.unconsumed):
        return
    prev = ints.previous
    if prev is signal.default_int_handler or prev is None:
        raise KeyboardInterrupt
    prev(signal.SIGINT, None)


def take_hit() -> bool:
    """True (once) if Ctrl-C arrived during the current main-thread R call."""
    ints = _main_interrupts
    if ints is None or threading.current_thread() is not _MAIN_THREAD or not ints.hit:
        return False
    ints.hit = False
    return True
