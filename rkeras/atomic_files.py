"""Model files written whole or not at all, and read with a clear diagnosis.

Keras writes a `.keras` or `.weights.h5` file in place, piece by piece: a
process killed half-way, a full disk or a file-size limit (`ulimit -f`) leaves
a truncated file where the last good model was. Every file rkeras writes
(`save_model`, `save_model_weights`, `callback_model_checkpoint`,
`callback_backup_and_restore`) therefore goes through :func:`atomic_path`:

1. Keras writes into a private folder created beside the target (same file
   system, so the final move is a rename, never a copy);
2. the new file is flushed to the disk (`fsync`);
3. `os.replace` swaps it in: readers see the old file or the new one, never a
   mix, also when two processes write the same path at once;
4. the folder entry is flushed too, so the rename survives a power cut.

A target that is a symbolic link is written through: the file the link points
to gets the new content and the link stays a link.

Errors name the path the user gave (not the hidden temporary file) and say
what to do; a full disk or a file-size limit says so.

:func:`check_model_file` is the reading side: it tells an empty, truncated or
foreign file, and a folder, from a missing one before Keras reports
"File not found" for all of them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import zipfile
from typing import Iterator

from .errors import ArgumentError, RKerasError

__all__ = ["FileWriteError", "ModelFileError", "atomic_path", "check_model_file",
           "explain_load_error"]

# Written beside the target; a run killed at the wrong moment can leave one behind.
TEMPORARY_PREFIX = ".rkeras-partial-"

_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FULL_WORDS = ("no space left", "file too large", "disk quota", "errno = 28", "errno = 27",
               "errno 28", "errno 27")


class FileWriteError(RKerasError, OSError):
    """A model file could not be written; the previous file (if any) is unchanged."""


class ModelFileError(ArgumentError):
    """A file given to load_model / load_model_weights that is not a readable model."""


def _real_target(filepath: str) -> str:
    """Where the bytes go: through symbolic links (the link itself is kept)."""
    return os.path.realpath(filepath) if os.path.islink(filepath) else os.path.abspath(filepath)


def _is_full(error: BaseException) -> bool:
    if isinstance(error, OSError) and error.errno in _FULL:
        return True
    text = str(error).lower()
    return any(word in text for word in _FULL_WORDS)


def _write_error(error: BaseException, filepath: str, temporary: str, verb: str) -> BaseException:
    """`error` retold about the user's path; None when it should propagate unchanged."""
    shown = str(error).replace(temporary, filepath).replace(os.path.dirname(temporary), "")
    keep = f"The previous file at {filepath!r} (if any) is unchanged."
    if _is_full(error):
        return FileWriteError(
            errno.ENOSPC,
            f"{verb}(): could not write {filepath!r}: the disk is full or the file-size limit "
            f"(ulimit -f) was reached ({shown}). {keep} Free some space (or raise the limit) "
            f"and save again, or save to another folder.")
    if isinstance(error, PermissionError):
        return FileWriteError(
            errno.EACCES,
            f"{verb}(): could not write {filepath!r}: permission denied in the folder "
            f"{os.path.dirname(os.path.abspath(filepath))!r}. Save to a folder you can write to.")
    if isinstance(error, OSError):
        return FileWriteError(error.errno or errno.EIO,
                              f"{verb}(): could not write {filepath!r}: {shown}. {keep}")
    if isinstance(error, ValueError):
        return ArgumentError(f"{verb}(): could not write {filepath!r}: {shown}")
    return None


def _fsync(path: str, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        handle = os.open(path, flags)
    except OSError:
        if directory:       # some file systems cannot open folders: the rename still holds
            return
        raise
    try:
        os.fsync(handle)
    except OSError as error:
        if not directory or error.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(handle)


@contextlib.contextmanager
def atomic_path(filepath, suffix: str | None = None, overwrite: bool = True,
                verb: str = "save_model") -> Iterator[str]:
    """A temporary path to write; moved over `filepath` only when the block succeeds.

    Args:
        filepath: the file to (re)write; a symbolic link is written through.
        suffix: the ending `filepath` must have ('.keras'), or None for any.
        overwrite: False refuses to replace an existing file.
        verb: the rkeras verb, for messages.

    Raises:
        ArgumentError: a wrong suffix, a missing folder, an existing file with
            overwrite=False, a folder where the file should be.
        FileWriteError: the write failed (full disk, no permission ...); the
            previous file is intact.

    Example:
        >>> with atomic_path("model.keras", ".keras") as temporary:
        ...     model.save(temporary)
    """
    filepath = os.fspath(filepath)
    if not isinstance(filepath, str):
        filepath = os.fsdecode(filepath)
    if not overwrite and os.path.exists(filepath):
        raise ArgumentError(f"{verb}(): {filepath!r} exists and overwrite=False.")
    if suffix is not None and not filepath.endswith(suffix):
        raise ArgumentError(f"`filepath` must end in '{suffix}'; got {filepath!r}.")
    target = _real_target(filepath)
    if os.path.isdir(target):
        raise ArgumentError(f"{verb}(): {filepath!r} is a folder; give a file path, "
                            f"e.g. {os.path.join(filepath, 'model' + (suffix or '.keras'))!r}.")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise ArgumentError(f"`filepath`: the folder {os.path.dirname(os.path.abspath(filepath))!r} "
                            f"does not exist; create it first (R: dir.create(), Python: os.makedirs()).")
    try:
        workdir = tempfile.mkdtemp(prefix=TEMPORARY_PREFIX, dir=folder)
    except OSError as error:
        raise _write_error(error, filepath, "\0", verb) from error
    # Keras chooses the format from the file name: keep it.
    temporary = os.path.join(workdir, os.path.basename(target))
    try:
        try:
            yield temporary
            _fsync(temporary)
            os.replace(temporary, target)
            _fsync(folder, directory=True)
        except (OSError, ValueError) as error:
            retold = _write_error(error, filepath, temporary, verb)
            if retold is None:
                raise
            raise retold from error
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- reading --------------------------------------------------------------------------

def _start(path: str, size: int = 16) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def check_model_file(filepath, verb: str = "load_model") -> str:
    """Refuse, with a diagnosis, a path that cannot hold a Keras model file.

    Checks what can be told without Keras: missing, a dangling link, empty, a
    `.keras` file that is not a complete zip archive, an `.h5` file that is not
    HDF5. Folders are left to Keras (an unzipped model or an Orbax checkpoint
    is a folder); :func:`explain_load_error` explains them if Keras refuses.

    Returns:
        The path, as a string.
    """
    filepath = os.fspath(filepath)
    if os.path.islink(filepath) and not os.path.exists(filepath):
        raise ModelFileError(f"{verb}(): {filepath!r} is a link to "
                             f"{os.path.realpath(filepath)!r}, which does not exist.")
    if not os.path.exists(filepath):
        raise ModelFileError(f"{verb}(): no file at {filepath!r}.")
    if os.path.isdir(filepath):
        return filepath
    size = os.path.getsize(filepath)
    again = ("Save the model again, or use an earlier copy (a checkpoint of "
             "callback_model_checkpoint, a backup).")
    if size == 0:
        raise ModelFileError(f"{verb}(): {filepath!r} is empty (0 bytes): whatever wrote it "
                             f"did not finish. {again}")
    if filepath.endswith(".keras") and not zipfile.is_zipfile(filepath):
        start = _start(filepath)
        what = ("it starts like a .keras file but is cut off (truncated: the write or the copy "
                "did not finish)" if start.startswith(b"PK") else
                f"it is not a zip archive (it starts with {start!r})")
        raise ModelFileError(f"{verb}(): {filepath!r} ({size} bytes) is not a readable .keras "
                             f"file: a .keras file is a zip archive, and {what}. {again}")
    if filepath.endswith((".h5", ".hdf5")):
        import h5py

        if not h5py.is_hdf5(filepath):
            raise ModelFileError(
                f"{verb}(): {filepath!r} ({size} bytes) is not an HDF5 file (truncated, or another "
                f"format saved under an .h5 name). {again}")
    return filepath


def explain_load_error(error: BaseException, filepath: str, verb: str = "load_model"):
    """Keras's error while reading `filepath`, retold; None to let it propagate."""
    text = str(error)
    if os.path.isdir(filepath) and ("File not found" in text or "not supported" in text):
        return ModelFileError(
            f"{verb}(): {filepath!r} is a folder, not a model file. A Keras model is one "
            f".keras file (save_model(model, 'model.keras')); a TensorFlow SavedModel folder "
            f"can be used for inference with layer_tfsm(filepath = ...).")
    if isinstance(error, (zipfile.BadZipFile, EOFError, KeyError)) or (
            isinstance(error, OSError) and not isinstance(error, FileNotFoundError)):
        return ModelFileError(
            f"{verb}(): {filepath!r} could not be read as a Keras model ({type(error).__name__}: "
            f"{text}). The file is damaged or was not written by Keras; save the model again, "
            f"or use an earlier copy.")
    return None
