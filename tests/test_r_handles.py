"""rkeras.r.handles: Python objects as R external pointers (identity, R classes, finalizers)."""

from __future__ import annotations

import gc
import weakref

import pytest

pytest.importorskip("rpy2")

from r_helpers import R  # noqa: E402

from rkeras.r import handles, r_eval, to_python, to_r  # noqa: E402
from rkeras.r.evaluate import r_call  # noqa: E402

pytestmark = pytest.mark.r


class Thing:
    pass


class TestHandles:
    def test_identity(self):
        t = Thing()
        h = to_r(t)
        assert to_python(r_call("typeof", h)) == "externalptr"
        # reticulate's class chain (keras3), rkeras's class before python.builtin.object
        assert to_python(r_call("class", h)) == [
            f"{__name__}.Thing", "rkeras_py_object", "python.builtin.object"]
        assert to_python(h) is t
        # through an R list and back
        lst = to_python(r_call("list", h, 1))
        assert lst[0] is t

    def test_keras_classes(self):
        keras = pytest.importorskip("keras")
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        classes = list(to_python(r_call("class", to_r(m)), simplify=False))
        assert classes[:2] == ["keras.src.models.sequential.Sequential", "keras.src.models.model.Model"]
        assert classes[-5:] == ["rkeras_sequential", "rkeras_model", "rkeras_layer", "rkeras_py_object",
                                "python.builtin.object"]
        layer = keras.layers.Dense(4)
        classes = to_python(r_call("class", to_r(layer)))
        assert classes[0] == "keras.src.layers.core.dense.Dense"
        assert classes[-3:] == ["rkeras_layer", "rkeras_py_object", "python.builtin.object"]
        assert to_python(to_r(layer)) is layer
        t = keras.ops.ones((2,))
        assert "rkeras_tensor" in to_python(r_call("class", to_r(t)))
        opt = keras.optimizers.Adam()
        assert "rkeras_optimizer" in to_python(r_call("class", to_r(opt)))

    def test_finalizer_releases(self):
        t = Thing()
        ref = weakref.ref(t)
        h = to_r(t)
        hid = handles.handle_id(h)
        assert handles.object_for_id(hid) is t
        del t
        gc.collect()
        assert ref() is not None                       # R still holds it
        R("invisible(gc())")
        assert ref() is not None                       # the Python proxy `h` still preserves it
        del h
        gc.collect()
        R("invisible(gc())")
        assert handles.object_for_id(hid) is None
        assert ref() is None                           # nothing leaks

    def test_handle_held_by_r_variable(self):
        t = Thing()
        ref = weakref.ref(t)
        from rkeras.r.evaluate import r_assign
        r_assign("held_handle", t)
        del t
        gc.collect()
        R("invisible(gc())")
        assert ref() is not None and to_python(R("held_handle")) is ref()
        R("rm(held_handle); invisible(gc())")
        gc.collect()
        assert ref() is None

    def test_serialised_handle_is_stale(self):
        h = to_r(Thing())
        h2 = r_call(r_eval("function(x) unserialize(serialize(x, NULL))"), h)
        with pytest.raises(LookupError, match="serialised"):
            to_python(h2)

    def test_registered_handle_class(self):
        class Special:
            pass
        handles.register_handle_class(Special, ["rkeras_special"])
        try:
            assert to_python(r_call("class", to_r(Special())))[-3:] == [
                "rkeras_special", "rkeras_py_object", "python.builtin.object"]
        finally:
            handles.HANDLE_CLASSES.pop(0)
