"""Scale-out on tf.distribute: the strategy verbs, MirroredStrategy, multi-worker, restore, R.

Every training run happens in a subprocess (tests/distribute_worker.py, or an R
script through `rkeras run`): TensorFlow's device configuration (logical CPUs,
a worker's server) is fixed for the life of a process and must not leak into
pytest's. Every subprocess has a time limit and is killed, with its process
group, whatever happens (`Workers`).

Tolerance of (a): MirroredStrategy over 2 logical CPUs against one device
differs only by float32 rounding (each replica sums the gradient of half the
global batch, then the halves are added, instead of one sum over the batch).
Measured here: at most 1.2e-7 on the loss (one float32 ulp at 1.0) and 3e-8 on
the weights after 40 Adam steps. The test allows rtol=1e-5 / atol=1e-6 on the
losses and atol=1e-5 on the weights: far above rounding, far below anything a
wrong batch split would give (a per-replica batch of 64 instead of 32 halves
the number of steps; the loss after the first epoch then differs by ~1e-2).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA_DIR

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKER = HERE / "distribute_worker.py"
R_SCRIPT = ROOT / "r_scripts" / "distributed_mnist.R"
TIMEOUT = 150  # seconds, for any one subprocess

LOSS_TOL = dict(rtol=1e-5, atol=1e-6)
WEIGHT_TOL = dict(rtol=0, atol=1e-5)


def free_ports(n: int) -> list[int]:
    """`n` distinct free TCP ports on 127.0.0.1 (bound together, then released)."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TF_CONFIG", None)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


class Workers:
    """Subprocesses started in their own process groups, all killed on exit."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=ROOT, start_new_session=True)
        log.close()
        self.procs.append((name, proc))
        return proc

    def wait(self, proc: subprocess.Popen, timeout: float = TIMEOUT) -> int:
        return proc.wait(timeout=timeout)

    def wait_all(self, timeout: float = TIMEOUT) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        return {name: proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                for name, proc in self.procs}

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for _, proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=10)
        return False


def run_worker(tmp_path: Path, name: str, args: list[str], expect: int = 0, **env) -> None:
    with Workers(tmp_path) as workers:
        proc = workers.start(name, [sys.executable, str(WORKER), *args], child_env(**env))
        code = workers.wait(proc)
        assert code == expect, f"{name} exited with {code}:\n{workers.log(name)}"


def weights(path) -> list[np.ndarray]:
    with np.load(path) as data:
        return [data[key] for key in sorted(data.files, key=lambda k: int(k.split("_")[1]))]


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    """The runs of `distribute_worker.py mirrored` (one process, 2 logical CPUs).

    Under pytest-xdist the first process to get here runs it and the others
    wait for its result (a lock file in the session's shared temporary folder),
    so the ~15 s run happens once per session.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        tmp = tmp_path_factory.mktemp("mirrored")
        out = tmp / "mirrored.json"
        run_worker(tmp, "mirrored", ["mirrored", str(out)])
        return out, json.loads(out.read_text())
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent / "distribute-mirrored"
    shared.mkdir(exist_ok=True)
    out = shared / "mirrored.json"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not out.exists():
                run_worker(shared, "mirrored", ["mirrored", str(out)])
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out, json.loads(out.read_text())


# --- the verbs, without training (in the pytest process: nothing is initialised) ---

def test_verbs_are_registered_in_the_distribute_family():
    from rkeras.registry import registry

    verbs = registry()
    for name in ("strategy_mirrored", "strategy_multi_worker_mirrored", "strategy_one_device",
                 "strategy_default", "config_logical_cpus", "tf_config", "is_chief_worker",
                 "dataset_auto_shard"):
        assert verbs[name].family == "distribute", name
    assert verbs["dataset_auto_shard"].kind == "function"


def test_tf_config_builds_the_json_tensorflow_reads(monkeypatch):
    import rkeras

    monkeypatch.delenv("TF_CONFIG", raising=False)
    text = rkeras.tf_config(["10.0.0.1:2222", "10.0.0.2:2222"], task_index=1.0)
    assert json.loads(text) == {"cluster": {"worker": ["10.0.0.1:2222", "10.0.0.2:2222"]},
                                "task": {"type": "worker", "index": 1}}
    assert os.environ["TF_CONFIG"] == text
    import tensorflow as tf
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    assert resolver.task_type == "worker" and resolver.task_id == 1
    assert resolver.cluster_spec().as_dict() == {"worker": ["10.0.0.1:2222", "10.0.0.2:2222"]}


def test_tf_config_refuses_bad_clusters_early():
    import rkeras
    from rkeras.errors import ArgumentError

    with pytest.raises(ArgumentError, match="0-based"):
        rkeras.tf_config(["a:1", "b:2"], task_index=2, set_env=False)
    with pytest.raises(ArgumentError, match="host:port"):
        rkeras.tf_config(["a"], set_env=False)
    with pytest.raises(ArgumentError, match="twice"):
        rkeras.tf_config(["a:1", "a:1"], set_env=False)


def test_string_options_are_checked_with_a_suggestion():
    import rkeras
    from rkeras.errors import ArgumentError

    with pytest.raises(ArgumentError, match="Did you mean 'nccl'"):
        rkeras.strategy_mirrored(cross_device_ops="ncl")
    with pytest.raises(ArgumentError, match="'ring'"):
        rkeras.strategy_multi_worker_mirrored(communication="rign")


def test_dataset_auto_shard_sets_the_policy_and_pipes():
    import tensorflow as tf

    import rkeras
    from rkeras.errors import ArgumentError

    ds = tf.data.Dataset.range(8).batch(4)
    for policy in ("off", "data", "file", "auto"):
        sharded = ds >> rkeras.dataset_auto_shard(policy=policy)
        assert sharded.options().experimental_distribute.auto_shard_policy == getattr(
            tf.data.experimental.AutoShardPolicy, policy.upper())
    with pytest.raises(ArgumentError, match="Numpy, pandas and R data"):
        rkeras.dataset_auto_shard(np.zeros(3), policy="data")


# --- (a) MirroredStrategy over 2 logical CPUs = one device ------------------------------

def test_mirrored_splits_the_global_batch_across_two_replicas(mirrored):
    _, result = mirrored
    assert result["devices"] == ["/device:CPU:0", "/device:CPU:1"]
    assert result["per_replica_batch"] == [32, 32]          # global batch 64
    for name in ("mirrored_numpy", "mirrored_pandas", "mirrored_dataset"):
        assert result[name]["replicas"] == 2
        assert result[name]["steps"] == result["one_device"]["steps"] == [8] * 5


@pytest.mark.parametrize("run,reference", [
    ("mirrored_numpy", "one_device"),
    ("mirrored_pandas", "one_device"),
    ("mirrored_dataset", "one_device_unshuffled"),
])
def test_mirrored_loss_curve_and_weights_match_one_device(mirrored, run, reference):
    out, result = mirrored
    got, want = result[run], result[reference]
    np.testing.assert_allclose(got["batch_loss"], want["batch_loss"], **LOSS_TOL)
    np.testing.assert_allclose(got["loss"], want["loss"], **LOSS_TOL)
    assert want["loss"][-1] < want["loss"][0] - 0.1          # it did learn
    for a, b in zip(weights(f"{out}.{run}.npz"), weights(f"{out}.{reference}.npz")):
        np.testing.assert_allclose(a, b, **WEIGHT_TOL)


# --- (b) MultiWorkerMirroredStrategy: two worker processes on 127.0.0.1 ------------------

def test_two_workers_end_with_identical_weights(tmp_path, mirrored):
    ports = free_ports(2)
    cluster = [f"127.0.0.1:{p}" for p in ports]
    outs = [tmp_path / f"worker{i}.json" for i in range(2)]
    with Workers(tmp_path) as workers:
        for index in range(2):
            tf_config = json.dumps({"cluster": {"worker": cluster},
                                    "task": {"type": "worker", "index": index}})
            workers.start(f"worker{index}",
                          [sys.executable, str(WORKER), "multi", str(outs[index]), "--timeout", "120"],
                          child_env(TF_CONFIG=tf_config))
        codes = workers.wait_all()
        assert codes == {"worker0": 0, "worker1": 0}, (
            f"{codes}\n--- worker0:\n{workers.log('worker0')}\n--- worker1:\n{workers.log('worker1')}")
    results = [json.loads(out.read_text()) for out in outs]
    assert [r["chief"] for r in results] == [True, False]
    assert [r["replicas"] for r in results] == [2, 2]
    assert [r["per_replica_batch"] for r in results] == [[32], [32]]
    for run in ("numpy", "dataset"):
        w0, w1 = (weights(f"{out}.{run}.npz") for out in outs)
        for a, b in zip(w0, w1):
            np.testing.assert_array_equal(a, b)               # bit for bit
        assert results[0][run]["loss"] == results[1][run]["loss"]
    # evaluate() and predict() under the strategy: the same answer on both workers.
    assert results[0]["evaluate"] == results[1]["evaluate"]
    assert 0 < results[0]["evaluate"]["loss"] < results[0]["numpy"]["loss"][0]
    assert results[0]["predict_shape"] == results[1]["predict_shape"] == [100, 3]
    # And the two workers together computed what one device computes (same global batch).
    ref_out, ref = mirrored
    np.testing.assert_allclose(results[0]["numpy"]["batch_loss"], ref["one_device"]["batch_loss"],
                               **LOSS_TOL)
    np.testing.assert_allclose(results[0]["dataset"]["loss"],
                               ref["one_device_unshuffled"]["loss"], **LOSS_TOL)
    for a, b in zip(weights(f"{outs[0]}.numpy.npz"), weights(f"{ref_out}.one_device.npz")):
        np.testing.assert_allclose(a, b, **WEIGHT_TOL)


# --- fault tolerance: kill a run, start it again, it resumes --------------------------------

def test_backup_and_restore_resumes_a_killed_run(tmp_path, mirrored):
    backup = tmp_path / "backup"
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    run_worker(tmp_path, "first", ["backup", str(first), str(backup), "--die-after-epoch", "3"],
               expect=-signal.SIGKILL)
    assert not first.exists()                                # it really died
    assert json.loads((backup / "training_metadata.json").read_text())["epoch"] == 3
    run_worker(tmp_path, "second", ["backup", str(second), str(backup)])
    result = json.loads(second.read_text())
    assert result["epochs_run"] == [4, 5]                    # resumed after epoch 3 (1-based)
    assert not backup.exists()                               # deleted after a finished fit
    ref_out, ref = mirrored
    np.testing.assert_allclose(result["loss"], ref["one_device_unshuffled"]["loss"][3:], **LOSS_TOL)
    for a, b in zip(weights(f"{second}.final.npz"), weights(f"{ref_out}.one_device_unshuffled.npz")):
        np.testing.assert_allclose(a, b, **WEIGHT_TOL)


# --- (c) the same from R, through the bridge -----------------------------------------------

def _r_bridge_ready() -> str | None:
    """Why `rkeras run` cannot run R scripts here, or None when it can."""
    if shutil.which("R") is None:
        return "R is not installed"
    try:
        import rpy2  # noqa: F401
    except ImportError:
        return "rpy2 is not installed"
    try:
        from rkeras.r import frontend  # noqa: F401
    except ImportError as error:
        return f"the R front end (rkeras.r.frontend) is not available: {error}"
    return None


def mnist_folder() -> str | None:
    """A folder holding mnist.npz: $RKERAS_DATASETS, else the tests' data folder (conftest)."""
    for folder in (os.environ.get("RKERAS_DATASETS"), str(DATA_DIR)):
        if folder and (Path(folder) / "mnist.npz").is_file():
            return folder
    return None


@pytest.mark.r
def test_r_script_trains_on_two_workers_with_identical_weights(tmp_path):
    reason = _r_bridge_ready()
    if reason:
        pytest.skip(reason)
    data = mnist_folder()
    if data is None:
        pytest.skip("mnist.npz not found (set RKERAS_DATASETS)")
    ports = free_ports(2)
    workers_arg = ",".join(f"127.0.0.1:{p}" for p in ports)
    outs = [tmp_path / f"r_worker{i}.weights.h5" for i in range(2)]
    rkeras_cmd = [sys.executable, "-m", "rkeras.cli", "run", str(R_SCRIPT)]
    with Workers(tmp_path) as workers:
        for index in range(2):
            workers.start(f"r_worker{index}",
                          rkeras_cmd + ["--workers", workers_arg, "--index", str(index),
                                        "--out", str(outs[index]), "--steps", "20"],
                          child_env(RKERAS_DATASETS=data))
        codes = workers.wait_all()
        assert codes == {"r_worker0": 0, "r_worker1": 0}, (
            f"{codes}\n--- r_worker0:\n{workers.log('r_worker0')}\n"
            f"--- r_worker1:\n{workers.log('r_worker1')}")
        logs = [workers.log(f"r_worker{i}") for i in range(2)]
    assert all("replicas: 2" in log for log in logs), logs
    import h5py

    def arrays(path):
        found = []
        with h5py.File(path, "r") as f:
            f.visititems(lambda name, obj: found.append((name, obj[()]))
                         if isinstance(obj, h5py.Dataset) else None)
        return sorted(found, key=lambda item: item[0])

    w0, w1 = arrays(outs[0]), arrays(outs[1])
    assert [n for n, _ in w0] == [n for n, _ in w1] and len(w0) >= 4
    for (name, a), (_, b) in zip(w0, w1):
        np.testing.assert_array_equal(a, b, err_msg=name)


R_WITH_SCRIPT = r"""
library(keras)
config_logical_cpus(2)
strategy <- strategy_mirrored()
with(strategy$scope(), {
  inside <- format(strategy_default())
  model <- keras_model_sequential(input_shape = 4) %>%
    layer_dense(units = 8, activation = "relu") %>%
    layer_dense(units = 1)
  model %>% compile(optimizer = "adam", loss = "mse")
})
cat("inside:", grepl("MirroredStrategy", inside), "\n")
cat("after:", grepl("Default", format(strategy_default())), "\n")
cat("model strategy:", grepl("MirroredStrategy", format(model$distribute_strategy)), "\n")
msg <- tryCatch(with(strategy$scope(), stop("boom")), error = function(e) conditionMessage(e))
cat("error:", msg, "\n")
cat("after error:", grepl("Default", format(strategy_default())), "\n")
set.seed(1)
x <- as.data.frame(matrix(rnorm(400), ncol = 4))
y <- rowSums(x)
history <- model %>% fit(x, y, epochs = 3, batch_size = 20, verbose = 0)
cat("epochs:", length(history$metrics$loss), "\n")
with(strategy$scope(), as = "s", { n_in_scope <- s$num_replicas_in_sync })
cat("as:", n_in_scope, "\n")
cat("not a context manager:", tryCatch(with(model, 1), error = function(e) "refused"), "\n")
"""


@pytest.mark.r
def test_r_with_enters_the_scope_and_exits_it_even_on_error(tmp_path):
    reason = _r_bridge_ready()
    if reason:
        pytest.skip(reason)
    script = tmp_path / "with_scope.R"
    script.write_text(R_WITH_SCRIPT)
    with Workers(tmp_path) as workers:
        proc = workers.start("with_scope", [sys.executable, "-m", "rkeras.cli", "run", str(script)],
                             child_env())
        code = workers.wait(proc)
        log = workers.log("with_scope")
    assert code == 0, log
    for line in ("inside: TRUE", "after: TRUE", "model strategy: TRUE", "error: boom",
                 "after error: TRUE", "epochs: 3", "as: 2", "not a context manager: refused"):
        assert line in log, f"{line!r} not in:\n{log}"
