"""keras3's R-style tensor indexing in the embedded R: op_subset(), `[`, `[<-`, op_subset<-,
newaxis, all_dims() (rkeras/r/R/tensor_indexing.R, rkeras/tensor_indexing.py).

Every expected value is NumPy indexing of the same data with the 0-based key
keras3's documented semantics translate to (1-based, negatives from the end,
slices including their end, vectors on several axes as an outer product)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("rpy2")

from rkeras.errors import RKerasError  # noqa: E402
from rkeras.r import r_eval, to_python  # noqa: E402
from rkeras.r.frontend import install  # noqa: E402
from rkeras.tensor_indexing import r_key  # noqa: E402

pytestmark = pytest.mark.r

# R's array(1:20, c(4, 5)) as NumPy sees it (column-major fill).
XR = np.arange(1, 21).reshape(5, 4).T


@pytest.fixture(scope="module", autouse=True)
def front_end():
    install()
    r_eval("library(keras3); xr <- array(1:20, c(4, 5)); x <- op_convert_to_tensor(xr)")


def rarr(code):
    return np.asarray(to_python(r_eval(f"as.array({code})")))


@pytest.mark.parametrize("r_index, numpy_key", [
    ("1, ", (0, slice(None))),
    ("1", (0,)),                                   # missing axes implied
    ("-1", (-1,)),                                 # negative = from the end (keras3), not drop
    ("-2", (-2,)),
    (", 2", (slice(None), 1)),
    (", 2:2", (slice(None), slice(1, 2))),         # a slice keeps its axis
    ("1:2, ", (slice(0, 2), slice(None))),
    ("(1:3), ", (slice(0, 3), slice(None))),       # a contiguous vector is the same slice
    ("1:-1", (slice(None),)),
    ("1:-2", (slice(0, -1),)),
    ("2:NA", (slice(1, None),)),
    ("NA:3", (slice(None, 3),)),
    ("1:5:2, ", (slice(0, 5, 2),)),
    ("c(1, 3, 4), c(2, 4, 5)", (np.array([[0], [2], [3]]), np.array([[1, 3, 4]]))),
    ("c(TRUE, FALSE, TRUE, TRUE), c(1, 3)", (np.array([[0], [2], [3]]), np.array([[0, 2]]))),
    ("c(1, -1), ", (np.array([0, -1]), slice(None))),
    (".., 2", (Ellipsis, 1)),
    ("all_dims(), 2", (Ellipsis, 1)),
])
def test_bracket_matches_numpy(r_index, numpy_key):
    got = rarr(f"x[{r_index}]")
    want = XR[numpy_key]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    # op_subset() is the same function
    np.testing.assert_array_equal(rarr(f"op_subset(x, {r_index})"), want)


def test_matches_r_for_positive_indices():
    # Where R's `[` and keras3's agree (positive indices), the values are R's own.
    for idx in ("1:2, c(TRUE, TRUE, TRUE, TRUE, FALSE)", "c(1, 3, 4), 1:2",
                "c(TRUE, FALSE, TRUE, TRUE), c(1:2)", "((1:3)), (1:2)", "c(1, 3, 4), "):
        np.testing.assert_array_equal(rarr(f"x[{idx}]"), rarr(f"xr[{idx}]"))


def test_coordinate_matrix_and_mask():
    # R's x[cbind(i, j)]: one element per row of the matrix
    np.testing.assert_array_equal(rarr("x[cbind(3:1, 1)]"), XR[[2, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(rarr("x[cbind(1:3, c(3, 3, 4))]"), rarr("xr[cbind(1:3, c(3, 3, 4))]"))
    # a logical array shaped like x: elements in row-major order (keras3 documents t(xr)[t(xr) > 10])
    np.testing.assert_array_equal(rarr("x[x > 10]"), XR[XR > 10])
    np.testing.assert_array_equal(rarr("x[x > 10]"), rarr("t(xr)[t(xr) > 10]"))


def test_newaxis_and_dots_shapes():
    shape = lambda code: tuple(int(d) for d in to_python(r_eval(f"dim({code})")))  # noqa: E731
    assert shape("x[newaxis]") == (1, 4, 5)
    assert shape("x[NULL]") == (1, 4, 5)
    assert shape("x[newaxis, .., newaxis]") == (1, 4, 5, 1)
    assert shape("x[]") == (4, 5)
    assert to_python(r_eval("is.null(newaxis)")) is True


def test_assignment_on_variable_and_tensor():
    r_eval("v <- keras$Variable(xr); v[2, ] <- 99L; op_subset(v, 1) <- 11:15")
    want = XR.copy()
    want[1, :] = 99
    want[0, :] = np.arange(11, 16)
    np.testing.assert_array_equal(rarr("v"), want)
    # a tensor cannot change: `[<-` gives a new one; the original is untouched
    r_eval("y <- x; y[-1, 2:3] <- 0L; z <- op_subset_set(x, 1, 1, value = 7L)")
    want = XR.copy()
    want[-1, 1:3] = 0
    np.testing.assert_array_equal(rarr("y"), want)
    np.testing.assert_array_equal(rarr("x"), XR)
    assert rarr("z")[0, 0] == 7 and rarr("z")[1, 1] == XR[1, 1]


def test_symbolic_tensor_basic_indexing():
    r_eval("inp <- keras_input(c(4, 5)); d <- dim(inp[, 1, newaxis])")
    assert to_python(r_eval("is.na(d[1])")) is True          # the batch axis stays unknown
    assert list(np.asarray(to_python(r_eval("d[-1]")))) == [1, 5]


def test_zero_index_is_refused():
    with pytest.raises(Exception, match="1-based"):
        r_eval("x[0]")
    with pytest.raises(RKerasError, match="1-based"):
        r_key([4, 5], [("value", 0)])


def test_r_key_translation():
    assert r_key([4, 5], [("slice", 2, None, None)]) == (slice(1, None),)
    assert r_key([4, 5], [("value", 4.0)]) == (3,)
    assert r_key([4, 5], [("slice", 1, 4, None), ("all",)])[0] == slice(None)
    key = r_key([4, 5], [("value", np.array([4, 1])), ("value", np.array([5, 2]))])
    np.testing.assert_array_equal(key[0], [[3], [0]])
    np.testing.assert_array_equal(key[1], [[4, 1]])
