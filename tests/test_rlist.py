"""rkeras.rlist: RList, the R named list users get back (access, unpacking, equality)."""

import pickle

import numpy as np
import pytest

from rkeras.errors import ElementNotFoundError, ReadOnlyError, RKerasError
from rkeras.rlist import RList


def test_rlist_basics():
    r = RList(loss=0.25, accuracy=0.9)
    assert r.loss == 0.25 and r["accuracy"] == 0.9 and r[0] == 0.25 and r[-1] == 0.9
    loss, accuracy = r
    assert (loss, accuracy) == (0.25, 0.9)
    assert r.names() == ["loss", "accuracy"] and r.values() == [0.25, 0.9]
    assert r.items() == [("loss", 0.25), ("accuracy", 0.9)]
    assert r.get("mae") is None and r.get("loss") == 0.25
    assert r == {"loss": 0.25, "accuracy": 0.9} and r != {"accuracy": 0.9, "loss": 0.25}
    assert r == RList([("loss", 0.25), ("accuracy", 0.9)])
    assert r[1:].names() == ["accuracy"]
    assert r.to_dict() == {"loss": 0.25, "accuracy": 0.9}
    r["mae"] = 1.5
    assert r.names() == ["loss", "accuracy", "mae"] and r.mae == 1.5
    r[0] = 0.5
    del r["accuracy"]
    assert r == {"loss": 0.5, "mae": 1.5}
    with pytest.raises(AttributeError, match=r"use obj\['loss'\] = value"):
        r.loss = 3
    with pytest.raises(IndexError, match="RList index 5 out of range for a list of length 2"):
        r[5]
    with pytest.raises(TypeError, match="RList indices must be names"):
        r[1.5]
    assert "mae" in dir(r)
    assert pickle.loads(pickle.dumps(r)) == r
    u = RList.from_values([1, "a"])
    assert u.names() == [None, None] and list(u) == [1, "a"]
    assert RList(r) == r and RList(r) is not r



def test_rlist_equality_with_arrays_and_nesting():
    a = RList(train=RList(x=np.arange(4).reshape(2, 2), y=np.array([0.5, np.nan])))
    b = RList(train=RList(x=np.arange(4).reshape(2, 2), y=np.array([0.5, np.nan])))
    assert a == b
    b.train["x"] = np.arange(4)
    assert a != b
    seqs = np.empty(2, dtype=object)
    seqs[0], seqs[1] = [1, 2], [3]
    assert RList(x=seqs) == RList(x=np.array([[1, 2], [3]], dtype=object))



def test_lookup_errors_are_rkeras_errors_of_the_expected_builtin_types():
    r = RList(loss=0.25)
    with pytest.raises(ElementNotFoundError, match="no element named 'mae'; the names are 'loss'") as caught:
        r["mae"]
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, RKerasError)
    assert getattr(r, "mae", "default") == "default" and not hasattr(r, "mae")
    with pytest.raises(ReadOnlyError):
        r.loss = 1.0
