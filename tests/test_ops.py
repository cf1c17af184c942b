"""op_*: keras.ops with keras3's R semantics (1-based axes and indices), checked against keras.ops."""

import inspect

import keras
import numpy as np
import pytest

import rkeras
from rkeras.errors import ArgumentError, RKerasError

X = np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])


def val(t):
    return keras.ops.convert_to_numpy(t)


@pytest.mark.parametrize("r_axis, py_axis", [(1, 0), (2, 1), (-1, -1), ([1, 2], (0, 1))])
def test_reductions_take_one_based_axes(r_axis, py_axis):
    for op in ("sum", "mean", "max", "prod", "std"):
        got = val(getattr(rkeras, f"op_{op}")(X, axis=r_axis))
        np.testing.assert_allclose(got, val(getattr(keras.ops, op)(X, axis=py_axis)))


def test_axis_zero_is_refused_as_in_keras3():
    with pytest.raises(ArgumentError, match="1-based"):
        rkeras.op_sum(X, axis=0)


def test_integral_floats_become_axes():
    np.testing.assert_allclose(val(rkeras.op_sum(X, axis=2.0)), X.sum(axis=1))
    with pytest.raises(ArgumentError, match="whole number"):
        rkeras.op_sum(X, axis=1.5)


def test_signatures_show_r_defaults():
    assert inspect.signature(rkeras.op_concatenate).parameters["axis"].default == 1
    diag = inspect.signature(rkeras.op_diagonal).parameters
    assert (diag["axis1"].default, diag["axis2"].default) == (1, 2)
    assert inspect.signature(rkeras.op_rot90).parameters["axes"].default == (1, 2)


def test_concatenate_stack_and_axis_pairs():
    assert val(rkeras.op_concatenate([X, X])).shape == (4, 3)
    assert val(rkeras.op_concatenate([X, X], axis=2)).shape == (2, 6)
    assert val(rkeras.op_stack([X, X], axis=3)).shape == (2, 3, 2)
    np.testing.assert_allclose(val(rkeras.op_transpose(np.zeros((2, 3, 4)), axes=[3, 1, 2])).shape,
                               (4, 2, 3))
    assert val(rkeras.op_moveaxis(np.zeros((2, 3, 4)), 1, 3)).shape == (3, 4, 2)
    assert val(rkeras.op_swapaxes(np.zeros((2, 3, 4)), 1, 2)).shape == (3, 2, 4)
    np.testing.assert_allclose(val(rkeras.op_trace(np.arange(9.0).reshape(3, 3))), 12.0)


def test_arg_functions_return_one_based_positions():
    np.testing.assert_array_equal(val(rkeras.op_argmax(X, axis=2)), [2, 3])
    np.testing.assert_array_equal(val(rkeras.op_argmin(X, axis=2)), [1, 2])
    np.testing.assert_array_equal(val(rkeras.op_argmax(X, axis=2, zero_indexed=True)), [1, 2])
    np.testing.assert_array_equal(val(rkeras.op_argsort(np.array([3.0, 1.0, 2.0]))), [2, 3, 1])
    top = rkeras.op_top_k(np.array([1.0, 5.0, 3.0]), 2)
    np.testing.assert_array_equal(val(top["values"]), [5.0, 3.0])
    np.testing.assert_array_equal(val(top.indices), [2, 3])
    np.testing.assert_array_equal(val(rkeras.op_nonzero(np.array([0.0, 7.0, 0.0, 1.0]))),
                                  [[2], [4]])
    np.testing.assert_array_equal(
        val(rkeras.op_searchsorted(np.array([1.0, 3.0, 5.0]), np.array([4.0]))), [3])


def test_indices_are_one_based():
    v = np.array([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(val(rkeras.op_take(v, [1, 3])), [10.0, 30.0])
    np.testing.assert_array_equal(val(rkeras.op_take(v, [-1])), [30.0])
    np.testing.assert_array_equal(val(rkeras.op_take(v, [0, 2], zero_indexed=True)), [10.0, 30.0])
    np.testing.assert_array_equal(val(rkeras.op_take(X, 2.0, axis=2)), [5.0, 2.0])
    np.testing.assert_array_equal(val(rkeras.op_one_hot(np.array([1, 3]), 3)),
                                  [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(val(rkeras.op_slice(X, start_indices=[2, 2], shape=[1, 2])),
                                  [[2.0, 6.0]])
    np.testing.assert_array_equal(
        val(rkeras.op_segment_sum(np.array([1.0, 2.0, 3.0]), segment_ids=np.array([1, 1, 2]),
                                  num_segments=2)), [3.0, 3.0])
    parts = rkeras.op_split(np.arange(6.0), [3, 5])
    assert [val(p).tolist() for p in parts] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    with pytest.raises(ArgumentError, match="whole numbers"):
        rkeras.op_take(v, [1.5])


def test_arange_is_rs_seq():
    np.testing.assert_array_equal(val(rkeras.op_arange(5)), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(val(rkeras.op_arange(2, 8, 2)), [2, 4, 6, 8])
    np.testing.assert_array_equal(val(rkeras.op_arange(0, 3, include_end=False)), [0, 1, 2])


def test_shapes_counts_and_reshape():
    assert repr(rkeras.op_shape(X)) == "shape(2, 3)"
    assert tuple(rkeras.op_shape(X)) == (2, 3)
    assert val(rkeras.op_reshape(np.arange(6.0), [None, 2])).shape == (3, 2)
    assert val(rkeras.op_zeros([2.0, 3.0])).shape == (2, 3)
    np.testing.assert_array_equal(val(rkeras.op_eye(3.0)), np.eye(3))
    assert val(rkeras.op_linspace(0, 1, num=5.0)).shape == (5,)


def test_variadic_ops_take_extra_arguments():
    np.testing.assert_allclose(val(rkeras.op_einsum("ij,jk->ik", X, X.T)), X @ X.T)
    a, b = rkeras.op_meshgrid([1, 2], [3, 4, 5], indexing="ij")
    assert val(a).shape == (2, 3) and val(a).dtype.kind == "i"
    assert val(rkeras.op_hstack(X, X)).shape == (2, 6)
    assert val(rkeras.op_vstack([X, X])).shape == (4, 3)


def test_values_match_keras_ops_for_plain_ops():
    np.testing.assert_allclose(val(rkeras.op_add(X, 1)), val(keras.ops.add(X, 1)))
    np.testing.assert_allclose(val(rkeras.op_abs(-X)), X)
    np.testing.assert_allclose(val(rkeras.op_pmax(X, 3.0)), np.maximum(X, 3.0))
    np.testing.assert_allclose(val(rkeras.op_pmin(X, 3.0)), np.minimum(X, 3.0))
    np.testing.assert_allclose(val(rkeras.op_softmax(X, axis=1)), val(keras.ops.softmax(X, 0)))
    images = np.random.default_rng(0).random((1, 8, 8, 3)).astype("float32")
    np.testing.assert_allclose(val(rkeras.op_image_resize(images, size=[4.0, 4.0])),
                               val(keras.ops.image.resize(images, (4, 4))))
    assert val(rkeras.op_image_crop(images, 1, 1, target_height=4, target_width=4)).shape \
        == (1, 4, 4, 3)


def test_matmul_gives_r_values_the_tensor_dtype():
    out = rkeras.op_matmul(X, keras.ops.ones((3, 1), dtype="float32"))
    assert out.dtype == "float32"
    np.testing.assert_allclose(val(out), X.sum(axis=1, keepdims=True))


def test_piping_an_op():
    np.testing.assert_allclose(val(X >> rkeras.op_sum(axis=2)), X.sum(axis=1))


def test_errors_are_rkeras_errors():
    with pytest.raises(RKerasError):
        rkeras.op_argmax(X, axis=0)
