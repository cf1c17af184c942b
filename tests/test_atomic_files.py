"""Model files are replaced whole or not at all (issue 14, items 6, 14, 19, 20, 22).

The faults are real: a process killed by SIGKILL while Keras is writing (a
custom layer's `save_own_variables`, a public Keras hook, kills it half-way
through the archive), a file-size limit (RLIMIT_FSIZE, what `ulimit -f`
sets) that makes the write fail with EFBIG, two processes writing one path.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import rkeras as rk
from rkeras.atomic_files import TEMPORARY_PREFIX, FileWriteError, ModelFileError
from rkeras.errors import ArgumentError, RKerasError


def small_model(units=1):
    rk.set_random_seed(0)
    return (rk.keras_model_sequential(input_shape=4) >> rk.layer_dense(units=units)
            >> rk.compile(optimizer="sgd", loss="mse"))


def run(script: str, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                          capture_output=True, text=True, timeout=timeout, env=env)


def sha(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def leftovers(folder) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith(TEMPORARY_PREFIX)]


# A layer whose weights are written through a public Keras hook; on the save
# number `kill_at` it kills its own process after Keras has started the file.
KILLER = """
    import hashlib, os, signal, sys
    import numpy as np
    import keras
    from rkeras import *
    folder, kill_at, weights_only = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
    saves = [0]

    @keras.saving.register_keras_serializable(package="rkeras_tests")
    class Killer(keras.layers.Dense):
        def save_own_variables(self, store):
            saves[0] += 1
            if saves[0] == kill_at:
                store["0"] = np.zeros((1000, 1000))     # half a file on disk, then die
                os.kill(os.getpid(), signal.SIGKILL)
            super().save_own_variables(store)

    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    set_random_seed(1)
    model = keras_model_sequential(input_shape=4)
    model.add(Killer(1))
    model >> compile(optimizer="sgd", loss="mse")
    name = "ck.weights.h5" if weights_only else "ck.keras"
    path = os.path.join(folder, name)

    def log(epoch, logs):
        with open(os.path.join(folder, "good.log"), "a") as handle:
            handle.write(hashlib.sha256(open(path, "rb").read()).hexdigest() + "\\n")
    model >> fit(x, y, epochs=6, verbose=0, callbacks=[
        callback_model_checkpoint(filepath=path, save_weights_only=weights_only),
        callback_lambda(on_epoch_end=log)])
    print("finished")
"""


@pytest.mark.parametrize("weights_only", [False, True], ids=["keras", "weights.h5"])
def test_checkpoint_survives_kill_9_mid_write(tmp_path, weights_only):
    result = run(KILLER, str(tmp_path), "3", "1" if weights_only else "0")
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    good = (tmp_path / "good.log").read_text().split()
    assert len(good) == 2                     # epochs 1 and 2 were saved; 3 was killed
    path = tmp_path / ("ck.weights.h5" if weights_only else "ck.keras")
    assert sha(path) == good[-1]              # the last good checkpoint, byte for byte
    if weights_only:
        import h5py
        assert h5py.is_hdf5(path)
    else:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None


BACKUP = """
    import os, signal, sys
    import numpy as np
    import keras
    from rkeras import *
    folder, kill_at = sys.argv[1], int(sys.argv[2])
    saves = [0]

    @keras.saving.register_keras_serializable(package="rkeras_tests")
    class Killer(keras.layers.Dense):
        def save_own_variables(self, store):
            saves[0] += 1
            if saves[0] == kill_at:
                store["0"] = np.zeros((1000, 1000))
                os.kill(os.getpid(), signal.SIGKILL)
            super().save_own_variables(store)

    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    set_random_seed(1)
    model = keras_model_sequential(input_shape=4)
    model.add(Killer(1))
    model >> compile(optimizer="sgd", loss="mse")
    seen = []
    model >> fit(x, y, epochs=5, verbose=0, callbacks=[
        callback_backup_and_restore(backup_dir=os.path.join(folder, "backup")),
        callback_lambda(on_epoch_end=lambda epoch, logs: seen.append(epoch))])
    print("epochs this run:", seen)
"""


def test_backup_and_restore_resumes_after_kill_9_mid_backup(tmp_path):
    first = run(BACKUP, str(tmp_path), "3")
    assert first.returncode == -signal.SIGKILL, first.stderr[-2000:]
    # Keras wrote latest.weights.h5 in place: the kill left half a file and the
    # next run failed on it. Now the backup of epoch 2 is intact and the run resumes.
    second = run(BACKUP, str(tmp_path), "0")
    assert second.returncode == 0, second.stderr[-2000:]
    assert "epochs this run: [3, 4, 5]" in second.stdout


FILE_SIZE_LIMIT = """
    import os, resource, sys
    import numpy as np
    from rkeras import *
    folder, what = sys.argv[1], sys.argv[2]
    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    set_random_seed(1)
    model = (keras_model_sequential(input_shape=4) >> layer_dense(units=64)
             >> layer_dense(units=1) >> compile(optimizer="sgd", loss="mse"))
    path = os.path.join(folder, "model.keras")

    def limit(*_):
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))   # ulimit -f 4
    try:
        if what == "save_model":
            save_model(model, path)
            limit()
            save_model(model >> layer_dense(units=3), path)
        else:
            model >> fit(x, y, epochs=3, verbose=0, callbacks=[
                callback_model_checkpoint(filepath=path),
                callback_lambda(on_epoch_end=lambda epoch, logs: limit() if epoch == 1 else None)])
    except Exception as error:
        print("ERROR", type(error).__name__, isinstance(error, OSError), error)
"""


@pytest.mark.parametrize("what", ["save_model", "checkpoint"])
def test_full_disk_keeps_the_previous_file_and_names_the_path(tmp_path, what):
    result = run(FILE_SIZE_LIMIT, str(tmp_path), what)
    assert result.returncode == 0, result.stderr[-2000:]
    path = str(tmp_path / "model.keras")
    line = next(line for line in result.stdout.splitlines() if line.startswith("ERROR"))
    assert "FileWriteError True" in line
    assert repr(path) in line and "disk is full or the file-size limit (ulimit -f)" in line
    assert TEMPORARY_PREFIX not in line                  # the hidden file is not shown
    model = rk.load_model(path)                          # the first model, intact
    assert [w.shape for w in model.get_weights()] == [(4, 64), (64,), (64, 1), (1,)]
    assert leftovers(tmp_path) == []


WRITER = """
    import os, sys
    import numpy as np
    from rkeras import *
    path, units = sys.argv[1], int(sys.argv[2])
    x = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
    model = (keras_model_sequential(input_shape=4) >> layer_dense(units=units)
             >> layer_dense(units=1) >> compile(optimizer="sgd", loss="mse"))
    model >> fit(x, x[:, :1], epochs=1, batch_size=8, verbose=0,
                 callbacks=callback_model_checkpoint(filepath=path, save_freq=1))
    print("saves done")
"""


def test_two_writers_never_leave_a_reader_a_torn_file(tmp_path):
    path = str(tmp_path / "shared.keras")
    rk.save_model(small_model(), path)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    writers = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), path, str(units)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for units in (16, 32)]
    reads, torn, seen = 0, 0, set()
    deadline = time.monotonic() + 240
    while any(w.poll() is None for w in writers) and time.monotonic() < deadline:
        data = open(path, "rb").read()
        reads += 1
        seen.add(hashlib.sha256(data).hexdigest())
        try:
            with zipfile.ZipFile(__import__("io").BytesIO(data)) as archive:
                torn += archive.testzip() is not None
        except zipfile.BadZipFile:
            torn += 1
        time.sleep(0.002)
    outputs = [w.communicate(timeout=60) for w in writers]
    assert all(w.returncode == 0 for w in writers), [o[1][-1500:] for o in outputs]
    assert reads > 20 and len(seen) > 2          # the reader did see the file change
    assert torn == 0
    assert len(rk.load_model(path).get_weights()) == 4
    assert leftovers(tmp_path) == []


def test_save_model_writes_through_a_symlink(tmp_path):
    real = tmp_path / "store"
    real.mkdir()
    target = real / "model.keras"
    link = tmp_path / "current.keras"
    rk.save_model(small_model(units=1), str(target))
    link.symlink_to(target)
    rk.save_model(small_model(units=3), str(link))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert rk.load_model(str(target)).get_weights()[0].shape == (4, 3)
    assert leftovers(real) == [] and leftovers(tmp_path) == []


def test_save_model_weights_writes_through_a_symlink(tmp_path):
    target = tmp_path / "w.weights.h5"
    link = tmp_path / "latest.weights.h5"
    rk.save_model_weights(small_model(), str(target))
    link.symlink_to(target.name)                       # a relative link
    model = small_model()
    model.set_weights([np.full((4, 1), 7.0), np.ones(1)])
    rk.save_model_weights(model, str(link))
    assert link.is_symlink()
    restored = rk.load_model_weights(small_model(), str(target))
    assert np.allclose(restored.get_weights()[0], 7.0)


def test_save_failure_names_the_target_not_the_temporary_file(tmp_path):
    import keras

    @keras.saving.register_keras_serializable(package="rkeras_tests")
    class Unsaveable(keras.layers.Dense):
        def save_own_variables(self, store):
            raise OSError(f"cannot write the weights of {self.name}")

    model = rk.keras_model_sequential(input_shape=2)
    model.add(Unsaveable(1))
    path = str(tmp_path / "m.keras")
    with pytest.raises(FileWriteError) as caught:
        rk.save_model(model, path)
    text = str(caught.value)
    assert f"save_model(): could not write {path!r}" in text and "cannot write the weights" in text
    assert TEMPORARY_PREFIX not in text
    assert isinstance(caught.value, OSError) and isinstance(caught.value, RKerasError)
    assert os.listdir(tmp_path) == []


def test_save_model_to_a_folder_path_says_so(tmp_path):
    (tmp_path / "m.keras").mkdir()
    with pytest.raises(ArgumentError, match=r"is a folder; give a file path"):
        rk.save_model(small_model(), str(tmp_path / "m.keras"))


@pytest.fixture
def bad_files(tmp_path):
    good = tmp_path / "good.keras"
    rk.save_model(small_model(), str(good))
    data = good.read_bytes()
    (tmp_path / "empty.keras").write_bytes(b"")
    (tmp_path / "truncated.keras").write_bytes(data[: len(data) // 2])
    (tmp_path / "text.keras").write_text("not a model\n")
    (tmp_path / "folder.keras").mkdir()
    (tmp_path / "plain_folder").mkdir()
    (tmp_path / "bad.weights.h5").write_bytes(b"\x89HDF\r\n" + b"\0" * 10)
    (tmp_path / "dangling.keras").symlink_to(tmp_path / "gone.keras")
    return tmp_path


@pytest.mark.parametrize("name, pattern", [
    ("empty.keras", r"is empty \(0 bytes\): whatever wrote it did not finish\. Save the model again"),
    ("truncated.keras", r"is not a readable \.keras file.*cut off \(truncated"),
    ("text.keras",
     r"\(12 bytes\) is not a readable \.keras file.*not a zip archive \(it starts with b'not a model"),
    ("folder.keras", r"is a folder, not a model file.*save_model\(model, 'model\.keras'\)"),
    ("plain_folder", r"is a folder, not a model file"),
    ("dangling.keras", r"is a link to '.*gone\.keras', which does not exist"),
])
def test_load_model_says_what_is_wrong_with_the_file(bad_files, name, pattern):
    path = str(bad_files / name)
    with pytest.raises(ModelFileError) as caught:
        rk.load_model(path)
    text = str(caught.value)
    assert re.search(pattern, text, re.S), text
    assert repr(path) in text and "File not found" not in text


def test_load_model_weights_says_what_is_wrong_with_the_file(bad_files):
    path = str(bad_files / "bad.weights.h5")
    with pytest.raises(ModelFileError, match=r"is not an HDF5 file \(truncated"):
        rk.load_model_weights(small_model(), path)
    with pytest.raises(ModelFileError, match=r"is empty"):
        (bad_files / "e.weights.h5").write_bytes(b"")
        rk.load_model_weights(small_model(), str(bad_files / "e.weights.h5"))


def test_a_good_file_still_loads(bad_files):
    assert rk.load_model(str(bad_files / "good.keras")).count_params() == 5


@pytest.mark.parametrize("save_freq", [5.0, np.float64(5), np.array([5.0])])
def test_checkpoint_save_freq_may_be_a_double(tmp_path, save_freq):
    callback = rk.callback_model_checkpoint(filepath=str(tmp_path / "c.keras"), save_freq=save_freq)
    assert callback.save_freq == 5 and type(callback.save_freq) is int
    backup = rk.callback_backup_and_restore(backup_dir=str(tmp_path / "b"), save_freq=save_freq)
    assert backup.save_freq == 5


def test_checkpoint_save_freq_refuses_fractions_and_saves_every_n_batches(tmp_path):
    with pytest.raises(ArgumentError, match=r"`save_freq` must be a whole number; got 2\.5"):
        rk.callback_model_checkpoint(filepath=str(tmp_path / "c.keras"), save_freq=2.5)
    x = np.zeros((40, 4), "float32")
    model = small_model()
    model >> rk.fit(x, x[:, :1], epochs=1, batch_size=4, verbose=0, callbacks=[
        rk.callback_model_checkpoint(filepath=str(tmp_path / "c-{batch}.keras"), save_freq=5.0)])
    saved = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("c-"))
    assert saved == ["c-10.keras", "c-5.keras"]       # Keras names by the 1-based batch count



# --- the same through the R front end -------------------------------------------------

@pytest.fixture(scope="module")
def r_eval_str():
    pytest.importorskip("rpy2")
    from rkeras.r import frontend, r_eval

    frontend.install()

    def run(code: str):
        value = r_eval("local(tryCatch({" + code + "}, error = function(e) "
                       "paste('ERROR:', conditionMessage(e))))")
        return str(list(value)[0])
    return run


@pytest.mark.r
def test_r_checkpoint_save_freq_5_and_100(r_eval_str, tmp_path):
    assert r_eval_str(f"cb <- callback_model_checkpoint('{tmp_path}/m.keras', save_freq = 5); "
                      "class(cb$save_freq)[1]") in ("integer", "numeric")
    assert r_eval_str(f"cb <- callback_model_checkpoint('{tmp_path}/m.keras', save_freq = 100); "
                      "as.character(cb$save_freq)") == "100"
    assert r_eval_str(f"cb <- callback_backup_and_restore('{tmp_path}/b', save_freq = 5); "
                      "as.character(cb$save_freq)") == "5"


@pytest.mark.r
def test_r_load_model_on_a_bad_file(r_eval_str, bad_files):
    message = r_eval_str(f"load_model('{bad_files}/truncated.keras')")
    assert message.startswith("ERROR:") and "cut off (truncated" in message
    message = r_eval_str(f"load_model('{bad_files}/plain_folder')")
    assert "is a folder, not a model file" in message
