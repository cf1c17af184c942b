"""rkeras.rformat: R's str() of a list and R's number formatting (checked with R 4.2.2)."""

import numpy as np
import pytest

from rkeras.rformat import format_numbers, format_r_number, format_special
from rkeras.rlist import RList


@pytest.mark.parametrize("value, text", [
    # Each pair checked with R: prettyNum(x, big.mark=",", digits=4, scientific=FALSE).
    (0.25, "0.25"), (0.91234567, "0.9123"), (12345.67, "12,346"), (1e-10, "0.0000000001"),
    (0.1 + 0.2, "0.3"), (None, "NA"), (float("nan"), "NaN"), (float("inf"), "Inf"),
    (-float("inf"), "-Inf"), (-0.00012345, "-0.0001234"), (99999.5, "100,000"),
    (0.99995, "1"), (1, "1"), (1234567.891, "1,234,568"), (0.15, "0.15"),
    (2.675e-5, "0.00002675"), (100, "100"), (0.5, "0.5"), (0, "0"), (np.float32(0.5), "0.5"),
])
def test_format_r_number_matches_r(value, text):
    assert format_r_number(value) == text



@pytest.mark.parametrize("value, text", [
    (float("nan"), "NaN"), (float("inf"), "Inf"), (-float("inf"), "-Inf"), (np.float32("nan"), "NaN"),
    (1.5, None), ("abc", None),
])
def test_non_finite_numbers_are_spelt_as_r_prints_them(value, text):
    assert format_special(value) == text


@pytest.mark.parametrize("values, texts", [
    # R: format(c(...), digits = 3, drop0trailing = TRUE)
    ([1.0, 2.5], ["1", "2.5"]), ([1.23247, 8.14], ["1.23", "8.14"]),
    ([1567298545.0, 3.0], ["1.57e+09", "3e+00"]), ([0.5, float("nan"), float("inf")], ["0.5", "NaN", "Inf"]),
])
def test_vectors_share_one_notation_as_r_format(values, texts):
    assert format_numbers(values) == texts


def test_rlist_repr_mimics_r_str():
    r = RList(
        loss=0.25,
        n=3,
        name="adam",
        flags=[True, False],
        none=None,
        empty=[],
        m=np.array([[1.23247, 0.0], [8.14, 0.538]]),
        big=np.array([1567298545.0, 3.0]),
        nested=RList(seq=[[1, 2, 3], [4]]),
    )
    assert repr(r) == (
        "List of 9\n"
        " $ loss  : num 0.25\n"
        " $ n     : int 3\n"
        ' $ name  : chr "adam"\n'
        " $ flags : logi [1:2] TRUE FALSE\n"
        " $ none  : NULL\n"
        " $ empty : list()\n"
        " $ m     : num [1:2, 1:2] 1.232 8.14 0 0.538\n"
        " $ big   : num [1:2(1d)] 1.57e+09 3e+00\n"
        " $ nested:List of 1\n"
        "  ..$ seq:List of 2\n"
        "  .. ..$ : int [1:3] 1 2 3\n"
        "  .. ..$ : int 4"
    )
    long = RList(x=list(range(1, 30)), seqs=[[i] for i in range(12)])
    text = long.str(list_len=3)
    assert " $ x   : int [1:29] 1 2 3 4 5 6 7 8 9 10 ..." in text
    assert text.endswith("  .. [list output truncated]")
    assert RList().str() == " list()"

