"""Tests of rkeras.preprocessing: array_reshape, to_categorical, pad_sequences, normalize."""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rkeras import preprocessing as pp
from rkeras.errors import ArgumentError
from rkeras.preprocessing import array_reshape, normalize, pad_sequences, to_categorical


# ------------------------------------------------------------ array_reshape
def test_array_reshape_is_row_major_by_default():
    x = np.arange(6)
    np.testing.assert_array_equal(array_reshape(x, [2, 3]), [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(array_reshape(x, (2, 3), order="F"), [[0, 2, 4], [1, 3, 5]])
    # C order on an F-ordered (R-like) array still follows the logical indices
    m = np.asfortranarray(np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(array_reshape(m, 12), np.arange(12))
    np.testing.assert_array_equal(array_reshape(m, 12, order="F"), m.T.reshape(-1))


def test_array_reshape_mnist_style_flattening():
    images = np.arange(5 * 28 * 28, dtype=np.uint8).reshape(5, 28, 28)
    flat = array_reshape(images, c(5, 784))
    assert flat.shape == (5, 784) and flat.dtype == np.uint8
    np.testing.assert_array_equal(flat[1], images[1].reshape(-1))
    np.testing.assert_array_equal(array_reshape(images, [-1, 784.0]), flat)
    assert np.shares_memory(flat, images)        # a view, as numpy.reshape gives


def c(*values):
    """R's c(): here a float vector, as numbers arrive from R."""
    return np.array(values, dtype=float)


@pytest.mark.parametrize(
    "dim",
    [[2, 3], (2, 3), np.array([2, 3]), np.array([2.0, 3.0]), [2.0, 3], pd.Series([2, 3]),
     [np.int64(2), np.float32(3)]],
    ids=["list", "tuple", "int-array", "float-array", "float-list", "series", "numpy-scalars"],
)
def test_array_reshape_dim_forms(dim):
    out = array_reshape(np.arange(6), dim)
    assert out.shape == (2, 3)


def test_array_reshape_scalar_dim_and_inputs():
    assert array_reshape([[1, 2], [3, 4]], 4).tolist() == [1, 2, 3, 4]
    assert array_reshape([[1, 2], [3, 4]], 4.0).shape == (4,)
    df = pd.DataFrame({"a": [1, 2, 3], "b": [4, 5, 6]})
    assert array_reshape(df, [2, 3]).tolist() == [[1, 4, 2], [5, 3, 6]]
    assert array_reshape(pd.Series([1, 2, 3, 4]), [2, 2]).tolist() == [[1, 2], [3, 4]]

    class ArrayLike:
        def __array__(self, dtype=None, copy=None):
            return np.arange(4.0)

    assert array_reshape(ArrayLike(), [2, -1]).tolist() == [[0.0, 1.0], [2.0, 3.0]]


def test_array_reshape_errors():
    x = np.arange(6)
    with pytest.raises(ValueError, match=r"`dim` must hold whole numbers; element 1 is 784.5"):
        array_reshape(x, 784.5)
    with pytest.raises(ValueError, match="element 2 is 3.5"):
        array_reshape(x, [2, 3.5])
    with pytest.raises(ValueError, match=r"`dim` may contain -1 only once; got dim = \[-1, -1\]"):
        array_reshape(x, [-1, -1])
    with pytest.raises(ValueError, match=r"`dim` entries must be >= 0, or -1 once"):
        array_reshape(x, [-2, -3])
    with pytest.raises(ValueError, match=(
            r"cannot reshape an array of size 6 \(shape \(6,\)\) into dim = \[4, 2\], "
            r"which has size 8: the sizes must be equal")):
        array_reshape(x, [4, 2])
    with pytest.raises(ValueError, match=r"size 6 .* into dim = \[4, -1\]: 6 is not a multiple of 4"):
        array_reshape(x, [4, -1])
    with pytest.raises(ValueError, match=r'`order` must be "C" \(row-major.*or "F".*got \'A\''):
        array_reshape(x, 6, order="A")
    with pytest.raises(ValueError, match="`dim` must be an integer or a vector of integers; got '6'"):
        array_reshape(x, "6")
    with pytest.raises(ValueError, match="`dim` must be an integer or a vector of integers; got None"):
        array_reshape(x, None)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.sampled_from(["C", "F"]), st.data())
def test_array_reshape_matches_numpy(shape, order, data):
    x = np.arange(int(np.prod(shape))).reshape(shape)
    target = data.draw(st.permutations(shape))
    np.testing.assert_array_equal(array_reshape(x, list(target), order=order),
                                  np.reshape(x, target, order=order))


# ----------------------------------------------------------- to_categorical
@pytest.mark.parametrize(
    "x, num_classes",
    [
        ([0, 1, 2, 3], 4),
        ([0, 1, 2, 1], None),
        (np.array([[1], [2], [0]]), 3),          # trailing 1 dropped, as Keras
        (np.array([[0, 1], [2, 1]]), None),
        (np.array([1.0, 0.0, 2.0]), 5),          # R doubles
        (np.array([True, False]), None),
        (np.array([2], dtype=np.uint8), 3),
    ],
)
def test_to_categorical_equals_keras(x, num_classes):
    ours = to_categorical(x, num_classes)
    theirs = keras.utils.to_categorical(np.asarray(x), num_classes)
    assert ours.dtype == theirs.dtype == np.float64
    np.testing.assert_array_equal(ours, theirs)


def test_to_categorical_values_and_inputs():
    np.testing.assert_array_equal(to_categorical([0, 2], 3), [[1, 0, 0], [0, 0, 1]])
    assert to_categorical(np.array([[1], [2], [0]]), 3).shape == (3, 3)
    assert to_categorical(np.array([[0, 1], [2, 1]])).shape == (2, 2, 3)
    # pandas Categorical: its 0-based codes (categories sorted: a, b, c)
    cat = pd.Categorical(["b", "c", "a", "b"])
    np.testing.assert_array_equal(to_categorical(cat), to_categorical([1, 2, 0, 1]))
    s = pd.Series(["lo", "hi", "lo"], dtype=pd.CategoricalDtype(["lo", "hi", "mid"]))
    np.testing.assert_array_equal(to_categorical(s, 3), [[1, 0, 0], [0, 1, 0], [1, 0, 0]])
    np.testing.assert_array_equal(to_categorical(pd.Series([2, 0]), 4.0), [[0, 0, 1, 0], [1, 0, 0, 0]])
    assert to_categorical([], num_classes=3).shape == (0, 3)
    import tensorflow as tf

    t = to_categorical(tf.constant([0, 2]), 3)
    np.testing.assert_array_equal(np.asarray(t), [[1, 0, 0], [0, 0, 1]])


def test_to_categorical_errors():
    with pytest.raises(ValueError, match=(
            r"1 class label is outside 0\.\.2 \(num_classes = 3\): 3 at position 2 "
            r"\(positions are 0-based\)\. Class labels are 0-based.*`x - 1`")):
        to_categorical([1, 2, 3], num_classes=3)
    with pytest.raises(ValueError, match=(
            r"2 class labels are outside 0\.\.1 .*: 2 at position \(0, 1\), 3 at position "
            r"\(1, 0\)")):
        to_categorical(np.array([[0, 2], [3, 1]]), 2)
    with pytest.raises(ValueError, match=r"as\.integer\(f\) - 1"):
        to_categorical(np.arange(1, 11), 10)
    with pytest.raises(ValueError, match=r"class labels must be whole numbers; got 1\.5 at position 1"):
        to_categorical([0, 1.5])
    with pytest.raises(ValueError, match=r"whole numbers; got inf at position 0"):
        to_categorical([np.inf, 1])
    with pytest.raises(ValueError, match=r"missing values \(NaN\) at positions 1, 3 \(0-based\)"):
        to_categorical([0, np.nan, 2, np.nan])
    with pytest.raises(ValueError, match=r"class labels must be >= 0; got -1 at position 0"):
        to_categorical([-1, 0])
    with pytest.raises(ValueError, match=r"the factor has 1 NA value\(s\), first at position 2 \(1-based\)"):
        to_categorical(pd.Categorical(["a", None, "b"]))
    with pytest.raises(ValueError, match=(
            r"must hold integer class labels; got values of type "
            r"<U3.*pandas\.Categorical")):
        to_categorical(["cat", "dog"])
    with pytest.raises(ValueError, match=r"`num_classes` must be a whole number; got 2\.5"):
        to_categorical([0, 1], 2.5)
    with pytest.raises(ValueError, match="`num_classes` must be positive; got 0"):
        to_categorical([0, 1], 0)
    with pytest.raises(ValueError, match="`x` is empty, so `num_classes` cannot be inferred"):
        to_categorical([])
    many = np.full(20, 7)
    with pytest.raises(ValueError, match=r"20 class labels are outside 0\.\.4.*, \.\.\. \(20 in all\)"):
        to_categorical(many, 5)


# ------------------------------------------------------------ pad_sequences
SEQS = [[1], [2, 3], [4, 5, 6], [], [7, 8, 9, 10, 11]]


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 1, 3, 8])
def test_pad_sequences_equals_keras(padding, truncating, maxlen):
    ours = pad_sequences(SEQS, maxlen=maxlen, padding=padding, truncating=truncating)
    theirs = keras.utils.pad_sequences(SEQS, maxlen=maxlen, padding=padding, truncating=truncating)
    assert ours.dtype == theirs.dtype == np.int32
    np.testing.assert_array_equal(ours, theirs)


def test_pad_sequences_values():
    np.testing.assert_array_equal(pad_sequences([[1], [2, 3], [4, 5, 6]]), [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences([[1], [2, 3]], padding="post", value=-1), [[1, -1], [2, 3]])
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [4]], maxlen=2), [[2, 3], [0, 4]])
    np.testing.assert_array_equal(pad_sequences([[1, 2, 3], [4]], maxlen=2, truncating="post"),
                                  [[1, 2], [0, 4]])
    out = pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", value=np.nan)
    assert out.dtype == np.float32 and np.isnan(out[1, 0]) and out[0].tolist() == [0.5, 1.5]
    strings = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert strings.tolist() == [["a", "b"], ["<pad>", "c"]]
    assert pad_sequences([[1, 2], [3]], maxlen=np.float64(4)).shape == (2, 4)


def test_pad_sequences_accepts_ragged_forms():
    expected = keras.utils.pad_sequences([[1], [2, 3]], maxlen=3)
    obj = np.empty(2, dtype=object)
    obj[0], obj[1] = [1], [2, 3]
    forms = [
        obj,                                            # dataset_imdb()'s x
        [np.array([1]), np.array([2, 3])],              # numpy vectors
        [(1,), (2, 3)],                                 # tuples
        pd.Series([[1], [2, 3]]),                       # pandas
        [1, [2, 3]],                                    # R: a number is a length-1 vector
        [np.int64(1), np.array([2.0, 3.0])],
        (s for s in [[1], [2, 3]]),                     # any iterable
    ]
    for form in forms:
        np.testing.assert_array_equal(pad_sequences(form, maxlen=3), expected)
    # a flat vector is a list of length-1 sequences, as R's lapply(x, as.list) makes it
    np.testing.assert_array_equal(pad_sequences(np.array([1, 2, 3])), [[1], [2], [3]])
    # a regular 2-D array goes through as rows
    np.testing.assert_array_equal(pad_sequences(np.array([[1, 2], [3, 4]]), maxlen=3), [[0, 1, 2], [0, 3, 4]])
    assert pad_sequences([], maxlen=4).shape == (0, 4)


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match=(
            r'`padding` must be "pre" or "post" \(pad before or after each sequence\); '
            r'got \'front\'')):
        pad_sequences([[1]], padding="front")
    with pytest.raises(ValueError, match=(
            r'`truncating` must be "pre" or "post" \(cut before or after each sequence\); '
            r'got \'end\'')):
        pad_sequences([[1]], truncating="end")
    with pytest.raises(ValueError, match=r'`padding` must be "pre" or "post".*got None'):
        pad_sequences([[1]], padding=None)
    with pytest.raises(ValueError, match="`maxlen` must be positive; got 0"):
        pad_sequences([[1]], maxlen=0)
    # One rule on both paths: the verb and the module function raise the same error.
    import rkeras
    for pad in (pad_sequences, rkeras.pad_sequences):
        with pytest.raises(ArgumentError, match=r"`maxlen` must be a whole number; got 2\.5"):
            pad([[1]], maxlen=2.5)
    with pytest.raises(ValueError, match="`sequences` must be a list of sequences .*got 'abc'"):
        pad_sequences("abc")
    with pytest.raises(ValueError, match=(
            "`sequences` is empty, so the padded length cannot be inferred; pass "
            "maxlen")):
        pad_sequences([])
    with pytest.raises(ValueError, match="`sequences` must be a list of sequences .*got 5"):
        pad_sequences(5)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 100), max_size=8), min_size=1, max_size=8),
    st.one_of(st.none(), st.integers(1, 10)),
    st.sampled_from(["pre", "post"]),
    st.sampled_from(["pre", "post"]),
)
def test_pad_sequences_matches_keras_on_random_ragged_lists(seqs, maxlen, padding, truncating):
    np.testing.assert_array_equal(
        pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating),
        keras.utils.pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating),
    )


# ---------------------------------------------------------------- normalize
def test_normalize_axis_is_one_based():
    x = np.array([[3.0, 4.0], [6.0, 8.0], [0.0, 0.0]])
    rows = normalize(x)                       # axis = -1: each row to unit L2 norm
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_array_equal(normalize(x, axis=2), rows)
    np.testing.assert_array_equal(normalize(x, axis=-1), keras.utils.normalize(x, axis=-1))
    np.testing.assert_array_equal(normalize(x, axis=2), keras.utils.normalize(x, axis=1))
    cols = normalize(x, axis=1)               # R axis 1 = numpy axis 0: columns
    np.testing.assert_allclose(cols, x / np.sqrt([45.0, 80.0]))
    np.testing.assert_allclose(np.linalg.norm(cols, axis=0), [1.0, 1.0])
    np.testing.assert_allclose(normalize(x, axis=-2), cols)


def test_normalize_orders_shapes_and_inputs():
    x = np.array([[1.0, -3.0], [2.0, 2.0]])
    np.testing.assert_allclose(normalize(x, order=1), [[0.25, -0.75], [0.5, 0.5]])
    np.testing.assert_array_equal(normalize(x, order=1.0), keras.utils.normalize(x, order=1))
    np.testing.assert_allclose(normalize(x, order=np.inf), [[1 / 3, -1.0], [1.0, 1.0]])
    cube = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(normalize(cube, axis=2), keras.utils.normalize(cube, axis=1))
    assert normalize(cube, axis=3).shape == (2, 3, 4)
    np.testing.assert_allclose(normalize([3, 4]), [0.6, 0.8])         # same shape as x
    np.testing.assert_allclose(normalize(pd.DataFrame({"a": [3.0], "b": [4.0]})), [[0.6, 0.8]])
    import tensorflow as tf

    t = normalize(tf.constant([[3.0, 4.0], [6.0, 8.0]]), axis=1)
    np.testing.assert_allclose(np.asarray(t), [[3 / np.sqrt(45), 4 / np.sqrt(80)],
                                               [6 / np.sqrt(45), 8 / np.sqrt(80)]], rtol=1e-6)


def test_normalize_errors():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=(
            r"`axis` is 1-based, as in R: use 1 for the first axis or -1 for the last; "
            r"got 0")):
        normalize(x, axis=0)
    with pytest.raises(ValueError, match=(
            r"`axis` = 3 is out of range for an array with 2 dimensions: use 1\.\.2 "
            r"\(1-based\) or -2\.\.-1")):
        normalize(x, axis=3)
    with pytest.raises(ValueError, match="`axis` = -3 is out of range"):
        normalize(x, axis=-3)
    with pytest.raises(ValueError, match=r"`axis` must be a whole number; got 1\.5"):
        normalize(x, axis=1.5)
    with pytest.raises(ValueError, match="`axis` must be an axis number.*got None"):
        normalize(x, axis=None)
    with pytest.raises(ValueError, match=r"`order` must be a whole number; got 1\.5"):
        normalize(x, order=1.5)
    with pytest.raises(ValueError, match="`x` must be numeric; got an array of <U1"):
        normalize(np.array(["a", "b"]))


# ------------------------------------------------------------ verb surface
def test_all_lists_exactly_the_public_verbs_with_real_signatures():
    assert pp.__all__ == ["array_reshape", "to_categorical", "pad_sequences", "normalize"]
    sig = {name: inspect.signature(getattr(pp, name)) for name in pp.__all__}
    assert list(sig["array_reshape"].parameters) == ["x", "dim", "order"]
    assert sig["array_reshape"].parameters["order"].default == "C"
    assert sig["to_categorical"].parameters["num_classes"].default is None
    defaults = [p.default for p in sig["pad_sequences"].parameters.values()][1:]
    assert defaults == [None, "int32", "pre", "pre", 0.0]
    assert [p.default for p in sig["normalize"].parameters.values()][1:] == [-1, 2]
    for name in pp.__all__:
        params = sig[name].parameters.values()
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params), name
        doc = inspect.getdoc(getattr(pp, name))
        assert doc.splitlines()[0].endswith("."), name
        for section in ("Args:", "Returns:", "Examples:"):
            assert section in doc, (name, section)
        assert all(f"    {p.name}:" in doc for p in params), name
