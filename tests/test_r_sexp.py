"""rkeras.r.sexp: the low-level R layer (allocation, vectors, strings, lists, attributes, zero-copy views)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

pytest.importorskip("rpy2")

from rkeras.r import r_eval, sexp, to_python  # noqa: E402
from rkeras.r.evaluate import r_call  # noqa: E402
from rkeras.r.session import entered  # noqa: E402

pytestmark = pytest.mark.r


def R(code):
    return r_eval(code)


def rpy(code, **kw):
    return to_python(r_eval(code), **kw)


def r_fn(src: str, *args):
    return to_python(r_call(r_eval(src), *args))


# --------------------------------------------------------------------------- building R values
def test_sizes_r_would_refuse_fail_in_python():
    with entered():
        sexp.R.ensure()
        with pytest.raises(MemoryError):
            sexp.alloc(sexp.REALSXP, 2 ** 60)        # refused before R is asked: no longjmp
        with pytest.raises(MemoryError):
            sexp.alloc(sexp.REALSXP, 2 ** 48)


def test_vectors_strings_and_lists_as_r_sees_them():
    with entered():
        sexp.R.ensure()
        ints = sexp.int_vector([1, sexp.NA_INTEGER, 3])
        lgl = sexp.new_vector(sexp.LGLSXP, [1, 0, sexp.NA_INTEGER])
        dbl = sexp.real_vector([1.5, float("nan")])
        chars = sexp.str_vector(["a", None, "\u00e9t\u00e9"])
        lst = sexp.make_list([ints, chars], ["i", None])
    assert r_fn("function(x) identical(x, c(1L, NA, 3L))", ints) is True
    assert r_fn("function(x) identical(x, c(TRUE, FALSE, NA))", lgl) is True
    # NaN written into a double vector is R's NA_real_, not NaN
    assert r_fn("function(x) c(is.na(x[2]), is.nan(x[2]), x[1] == 1.5)", dbl).tolist() == [True, False, True]
    assert r_fn("function(x) identical(x, c('a', NA, '\u00e9t\u00e9'))", chars) is True
    assert r_fn("function(x) names(x)", lst) == ["i", ""]
    with entered():
        assert sexp.strings(sexp.cdata(chars)) == ["a", None, "\u00e9t\u00e9"]


def test_strings_with_nul_are_refused():
    with entered():
        sexp.R.ensure()
        with pytest.raises(ValueError, match="NUL"):
            sexp.str_vector(["a\x00b"])


def test_class_attribute_and_dim():
    x = r_eval("matrix(1:6, 2)")
    with entered():
        sexp.R.ensure()
        c = sexp.cdata(x)
        assert sexp.typeof(c) == sexp.INTSXP and sexp.shape_of(c) == (2, 3) and sexp.rclass(c) == ()
        y = sexp.int_vector([1, 2])
        sexp.set_class(y, ["my_class", "other"])
        assert sexp.rclass(sexp.cdata(y)) == ("my_class", "other")
    assert r_fn("function(x) inherits(x, 'other')", y) is True


# --------------------------------------------------------------------------- views
class TestZeroCopy:
    def test_double_view_is_zero_copy_readonly(self):
        x = R("as.numeric(1:1000)")
        a = to_python(x)
        assert not a.flags.writeable and not a.flags.owndata
        assert a.flags.f_contiguous
        base = a.base
        assert isinstance(base, sexp.RMemory) and base.robj is x
        addr = int(sexp.R.ffi.cast("uintptr_t", sexp.R.rlib.DATAPTR(x.__sexp__._cdata)))
        assert a.__array_interface__["data"][0] == addr
        with pytest.raises(ValueError):
            a[0] = 5

    def test_integer_view_is_zero_copy(self):
        x = R("matrix(1:6, 2)")
        a = to_python(x)
        assert a.dtype == np.int32 and not a.flags.writeable and not a.flags.owndata
        assert isinstance(a.base, sexp.RMemory)

    def test_copy_true_gives_owned_writable(self):
        a = rpy("matrix(as.numeric(1:6), 2)", copy=True)
        assert a.flags.writeable and a.flags.owndata and a[1, 2] == 6
        a[0, 0] = 100

    def test_view_keeps_r_object_alive(self):
        x = R("seq(0.5, 100000, by = 0.5)")       # only the rpy2 proxy references it
        a = to_python(x)
        cdata_addr = int(sexp.R.ffi.cast("uintptr_t", x.__sexp__._cdata))
        del x
        gc.collect()
        R("invisible(gc(full = TRUE)); junk <- lapply(1:50, function(i) runif(5000)); invisible(gc())")
        import rpy2.rinterface_lib._rinterface_capi as capi
        assert cdata_addr in capi._R_PRESERVED            # still preserved from R's GC
        assert a[0] == 0.5 and a[-1] == 100000.0 and a.shape == (200000,)
        assert np.array_equal(a[:4], [0.5, 1.0, 1.5, 2.0])
        holder = weakref.ref(a.base)
        del a
        gc.collect()
        assert holder() is None
        assert cdata_addr not in capi._R_PRESERVED        # released with the array

    def test_r_cannot_modify_under_a_view(self):
        R("zc <- c(1, 2, 3)")
        a = to_python(R("zc"))
        R("zc[1] <- 99")                    # R must copy (object marked not mutable)
        assert a[0] == 1.0
        assert rpy("zc[1]") == 99.0

    def test_altrep_sequence(self):
        a = rpy("1:10")                     # compact ALTREP: materialised, then viewed
        assert a.tolist() == list(range(1, 11))
