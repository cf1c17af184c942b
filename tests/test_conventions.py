"""R's argument conventions (rkeras.conventions), one rule at a time."""

import numpy as np
import pytest

from rkeras.conventions import (
    as_axis,
    as_index,
    as_integer,
    as_integer_tuple,
    as_verbose,
    normalize_arguments,
    normalize_shape,
    transform_for,
)
from rkeras.errors import ArgumentError


@pytest.mark.parametrize("value, expected", [(512.0, 512), (512, 512), (np.float64(3.0), 3),
                                             (np.array([7.0]), 7), (np.int32(4), 4)])
def test_integral_numbers_become_ints(value, expected):
    result = as_integer(value, "units")
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", [None, [1, 2]])
def test_non_numbers_pass_through(value):
    assert as_integer(value, "units") is value


@pytest.mark.parametrize("value", ["abc", "5", b"5", np.str_("5")])
def test_strings_are_refused_for_integer_arguments(value):
    # Keras kept callback_early_stopping(patience = "abc") and compared it with epochs later.
    with pytest.raises(ArgumentError, match=r"`patience` must be a whole number; got .*\(str|bytes\)"):
        as_integer(value, "patience")


@pytest.mark.parametrize("arg, value", [("profile_batch", "10,20"), ("save_freq", "epoch"),
                                        ("update_freq", "batch"), ("padding", "same")])
def test_documented_string_values_pass_through(arg, value):
    assert as_integer(value, arg) == value


def test_non_integral_number_names_the_argument():
    with pytest.raises(ArgumentError, match=r"`units` must be a whole number; got 512\.5"):
        as_integer(512.5, "units")


def test_nan_and_logicals_are_refused():
    with pytest.raises(ArgumentError, match="NA, NaN or Inf"):
        as_integer(float("nan"), "units")
    with pytest.raises(ArgumentError, match="logical value True"):
        as_integer(True, "units")


def test_sizes_must_be_positive():
    rule = transform_for("layer_dense", "units")
    with pytest.raises(ArgumentError, match="`units` must be positive; got -3"):
        rule(-3, "units")
    assert transform_for("fit", "epochs")(0, "epochs") == 0


@pytest.mark.parametrize("value, expected", [
    (784, (784,)), (784.0, (784,)), ([28, 28], (28, 28)), ((28, 28, 1), (28, 28, 1)),
    (np.array([28.0, 28.0]), (28, 28)), ([None, 28], (None, 28)), ([float("nan"), 3], (None, 3)),
])
def test_shapes_accept_int_list_tuple_and_na(value, expected):
    assert normalize_shape(value, "input_shape") == expected


def test_bad_shape_element_is_located():
    with pytest.raises(ArgumentError, match="element 2 is 2.5"):
        normalize_shape([28, 2.5], "input_shape")
    with pytest.raises(ArgumentError, match="element 1 is 'a'"):
        normalize_shape(["a"], "shape")


def test_kernel_size_vector_becomes_tuple_scalar_stays_scalar():
    assert as_integer_tuple([3.0, 3.0], "kernel_size") == (3, 3)
    assert as_integer_tuple(np.array([2, 2]), "pool_size") == (2, 2)
    assert as_integer_tuple(3.0, "kernel_size") == 3


def test_axis_is_one_based():
    assert as_axis(1) == 0
    assert as_axis(3.0) == 2
    assert as_axis(-1) == -1
    assert as_axis([1, 2]) == (0, 1)
    with pytest.raises(ArgumentError, match="1-based"):
        as_axis(0)


def test_epoch_index_is_one_based():
    assert as_index(1, "initial_epoch") == 0
    assert as_index(5.0, "initial_epoch") == 4
    with pytest.raises(ArgumentError, match="the first is 1"):
        as_index(0, "initial_epoch")


def test_verbose():
    assert as_verbose("auto") == "auto"
    assert as_verbose(2.0) == 2
    with pytest.raises(ArgumentError, match='"auto", 0, 1 or 2'):
        as_verbose(3)


def test_int_default_heuristic_and_only_supplied_arguments():
    out = normalize_arguments("layer_foo", {"some_count": 4.0, "rate": 0.5},
                              defaults={"some_count": 1, "rate": 0.0})
    assert out == {"some_count": 4, "rate": 0.5}
    assert type(out["some_count"]) is int
    assert normalize_arguments("layer_dense", {}) == {}
