"""Finding and reading dataset files: `path=`, `RKERAS_DATASETS`, Keras's cache, download.

Where a file comes from (:func:`find_dataset_file`, used by every
`dataset_*()` loader in `rkeras.datasets`), first hit wins:

1. `path=`, when it names an existing file (absolute, or relative to the
   working directory);
2. the folder(s) in the environment variable `RKERAS_DATASETS`
   (several folders may be separated by `os.pathsep`), under the file
   names Keras uses in its cache (`mnist.npz`, `imdb.npz`,
   `imdb_word_index.json`, `boston_housing.npz`, `reuters.npz`,
   `fashion-mnist/train-images-idx3-ubyte.gz`, `cifar-10-batches-py/`, ...);
3. Keras's cache, `~/.keras/datasets/` (or `$KERAS_HOME/datasets/`);
4. only then a download with `keras.utils.get_file()`, with Keras's own URL
   and hash (so Keras's hash check applies). Set `RKERAS_OFFLINE=1` to never
   download.

Local files in steps 1-3 are used as they are: no hash check, so a locally
built copy (e.g. a subset) works. Keras's `load_data(path=...)` cannot do
that: it only takes a file name inside its cache and re-downloads any file
whose hash differs from its own.

Reading: `.npz` files and CIFAR batches may hold pickled numpy arrays. Like
Keras 3.15, only the globals needed to rebuild numpy arrays are unpickled
(:class:`RestrictedUnpickler`), so a tampered file cannot run code.
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ArgumentTypeError, DataError, DatasetNotFoundError, UnsafeFileError

ENV_DATASETS = "RKERAS_DATASETS"
ENV_OFFLINE = "RKERAS_OFFLINE"

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


# ------------------------------------------------------------------ lookup
@dataclass(frozen=True)
class DatasetSource:
    """Where Keras gets one dataset file, and the names it may have locally.

    `names` are paths relative to a datasets folder (`$RKERAS_DATASETS`,
    `~/.keras/datasets`), tried in order. The arguments of `get_file()` are
    exactly Keras's; `after_download` is appended to what `get_file()`
    returns (the folder inside an extracted archive).
    """

    dataset: str
    names: tuple
    origin: str
    file_hash: str | None = None
    cache_subdir: str = "datasets"
    extract: bool = False
    fname: str | None = None          # get_file(fname=); default names[0]
    after_download: str | None = None


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() not in ("", "0", "false", "no", "off")


def _keras_home() -> str:
    """Keras's home folder, as Keras computes it, but read at call time."""
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        home = os.path.join(base, ".keras")
    return os.path.expanduser(home)


def _cache_dirs() -> list:
    """The `datasets` folders of Keras's cache that `get_file()` may use."""
    home = _keras_home()
    dirs = [os.path.join(home, "datasets")]
    if not os.access(home, os.W_OK):
        # get_file() falls back to /tmp/.keras when the home is not writable.
        dirs.append(os.path.join("/tmp", ".keras", "datasets"))
    out = []
    for d in dirs:
        if d not in out:
            out.append(d)
    return out


def _env_dirs() -> list:
    value = os.environ.get(ENV_DATASETS, "")
    return [os.path.expanduser(d) for d in value.split(os.pathsep) if d.strip()]


def _download(source: DatasetSource, fname: str) -> str:
    """Step 4: Keras's own `get_file()`, with Keras's URL and hash."""
    from keras.utils import get_file

    path = get_file(
        fname=fname,
        origin=source.origin,
        file_hash=source.file_hash,
        cache_subdir=source.cache_subdir,
        extract=source.extract,
        cache_dir=_keras_home(),
    )
    if source.after_download:
        path = os.path.join(path, source.after_download)
    return path


def find_dataset_file(source: DatasetSource, path: str | None = None) -> str:
    """Find a dataset file: `path=`, `$RKERAS_DATASETS`, Keras's cache, download.

    Args:
        source: what Keras downloads and the local names to look for.
        path: the user's `path=` argument, or None.

    Returns:
        The path of an existing file or folder.

    Raises:
        DatasetNotFoundError: when no step finds the file; the message lists
            every place searched and how to set `RKERAS_DATASETS`.
    """
    names = list(source.names)
    searched = []
    fname = source.fname or names[0]
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):
            raise ArgumentTypeError(
                f"`path` must be a file name or path (a string); got {type(path).__name__}."
            )
        path = os.path.expanduser(os.fspath(path))
        if os.path.isfile(path):
            return path
        has_dir = os.path.dirname(path) != "" or (os.altsep and os.altsep in path)
        if has_dir:
            raise DatasetNotFoundError(
                f"dataset_{source.dataset}(): `path` = {path!r} does not exist "
                f"(absolute: {os.path.abspath(path)}). Give the path of an existing "
                f"file, or a bare file name to look up in ${ENV_DATASETS} and "
                "Keras's cache."
            )
        searched.append(f"path = {path!r} in the working directory ({os.getcwd()}): not found")
        if path != names[0]:
            # A bare file name other than Keras's default: Keras's `load_data(path=)`
            # semantics, i.e. the file name inside the datasets folders.
            names = [path]
            fname = path

    env_dirs = _env_dirs()
    if env_dirs:
        for folder in env_dirs:
            for name in names:
                candidate = os.path.join(folder, name)
                if os.path.exists(candidate):
                    return candidate
            searched.append(f"${ENV_DATASETS} folder {folder}: no " + " or ".join(names))
    else:
        searched.append(f"${ENV_DATASETS}: not set")

    for folder in _cache_dirs():
        for name in names:
            candidate = os.path.join(folder, name)
            if os.path.exists(candidate):
                return candidate
        searched.append(f"Keras cache {folder}: no " + " or ".join(names))

    if _truthy(os.environ.get(ENV_OFFLINE)):
        failure = f"download skipped because ${ENV_OFFLINE} is set"
        cause = None
    else:
        try:
            return _download(source, fname)
        except Exception as error:  # URL fetch failure, hash mismatch, ...
            failure = f"download from {source.origin} failed: {error}"
            cause = error
    where = "\n".join(f"  - {s}" for s in searched)
    or_path = ""
    if path is not None:   # the loader has a `path` argument
        or_path = f"; or pass path = {os.path.join('/path/to/data', names[0])!r}"
    message = (
        f"dataset_{source.dataset}(): cannot find the dataset file {names[0]!r}.\n"
        f"Searched:\n{where}\n  - {failure}\n"
        f"To use a local copy, put {names[0]!r} (Keras's file name) in a folder and "
        f"set the environment variable {ENV_DATASETS} to that folder, e.g. "
        f"os.environ[{ENV_DATASETS!r}] = '/path/to/data' in Python or "
        f"Sys.setenv({ENV_DATASETS} = '/path/to/data') in R{or_path}."
    )
    raise DatasetNotFoundError(message) from cause


# ------------------------------------------------------------ safe loading
_ALLOWED_PICKLE_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_PICKLE_GLOBALS:
            if module == "numpy._core.multiarray" and not hasattr(np, "_core"):
                module = "numpy.core.multiarray"   # file written by numpy 2, read by numpy 1
            return super().find_class(module, name)
        raise UnsafeFileError(
            f"Refusing to deserialize `{module}.{name}` while loading a dataset. "
            "The file may be corrupted or malicious."
        )


def _read_npy(fp: io.BytesIO) -> np.ndarray:
    try:
        return np.lib.format.read_array(fp, allow_pickle=False)
    except ValueError:
        fp.seek(0)
        version = np.lib.format.read_magic(fp)
        if version[0] == 1:
            np.lib.format.read_array_header_1_0(fp)
        elif version[0] in (2, 3):
            np.lib.format.read_array_header_2_0(fp)
        else:
            raise DataError(f"Unsupported `.npy` file version: {version}.")
        return RestrictedUnpickler(fp).load()


def load_npz(path: str) -> dict:
    """An `.npz` file as a dict of arrays, object arrays unpickled safely."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _read_npy(io.BytesIO(raw.read()))
    return arrays


def load_numeric_npz(path: str, keys: tuple) -> list:
    with np.load(path, allow_pickle=False) as f:
        missing = [k for k in keys if k not in f.files]
        if missing:
            raise DataError(
                f"{path} is not in Keras's format: it lacks the arrays {missing} "
                f"(it has {f.files})."
            )
        return [f[k] for k in keys]


def check_npz_keys(arrays: dict, keys: tuple, path: str) -> None:
    missing = [k for k in keys if k not in arrays]
    if missing:
        raise DataError(
            f"{path} is not in Keras's format: it lacks the arrays {missing} "
            f"(it has {sorted(arrays)})."
        )


class CifarFiles:
    """The batch files of a CIFAR folder, or of the .tar.gz archive itself."""

    def __init__(self, location: str, folder: str):
        self.location = location
        self.folder = folder
        self.tar = None
        if os.path.isfile(location):
            self.tar = tarfile.open(location, "r:*")

    def __enter__(self) -> "CifarFiles":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.tar is not None:
            self.tar.close()

    def load_batch(self, name: str, label_key: str = "labels") -> tuple:
        """Keras's `cifar.load_batch()` on one batch file."""
        if self.tar is None:
            with open(os.path.join(self.location, name), "rb") as f:
                d = RestrictedUnpickler(f, encoding="bytes").load()
        else:
            member = f"{self.folder}/{name}"
            try:
                f = self.tar.extractfile(member)
            except KeyError:
                f = None
            if f is None:
                raise DatasetNotFoundError(
                    f"{self.location} has no member {member!r}: it is not Keras's CIFAR "
                    "archive (or it is incomplete); remove it to download it again.")
            with f:
                d = RestrictedUnpickler(f, encoding="bytes").load()
        d = {k.decode("utf8"): v for k, v in d.items()}
        data = d["data"]
        labels = d[label_key]
        data = data.reshape(data.shape[0], 3, 32, 32)
        return data, labels
