"""`callback_model_checkpoint` and `callback_backup_and_restore`, with atomic writes.

Keras's ModelCheckpoint and BackupAndRestore write their files in place: a
process killed mid-write, a full disk or `ulimit -f` destroys the last good
checkpoint, the one file these callbacks exist to keep. The verbs here return
small subclasses whose only change is that every file goes through
:func:`rkeras.atomic_files.atomic_path` (temporary file beside the target,
fsync, rename); everything else (when to save, `save_best_only`, file name
templates, restoring) is Keras's own code.

`save_freq` may be a number from R (`save_freq = 5` is a double there): an
integral number becomes an int, as keras3 does, before Keras checks it.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil

import keras

from .atomic_files import atomic_path
from .conventions import as_integer
from .registry import verb_kind

__all__ = ["callback_model_checkpoint", "callback_backup_and_restore"]


def _save_freq(value):
    """'epoch' (or False for BackupAndRestore) as it is; a number as a positive int."""
    if (isinstance(value, str) and value == "epoch") or value is False:
        return value
    if isinstance(value, str):
        from .errors import ArgumentError
        raise ArgumentError(f"`save_freq` must be \"epoch\" or a number of batches; got {value!r}.")
    return as_integer(value, "save_freq", minimum=1)


def _path(value, arg: str, verb: str):
    """A file or folder path (str or os.PathLike), refused otherwise before Keras fails on it."""
    if isinstance(value, (str, os.PathLike)) and os.fspath(value):
        return value
    from .conventions import describe
    from .errors import ArgumentTypeError
    raise ArgumentTypeError(f"{verb}(): `{arg}` must be a file path (a non-empty string); got "
                            f"{describe(value, True)}.")


def _is_local(path) -> bool:
    from keras.src.utils import file_utils

    return not file_utils.is_remote_path(os.fspath(path))


class AtomicModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """keras.callbacks.ModelCheckpoint whose files are replaced atomically."""

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        if not _is_local(filepath):             # gs://... : Keras's own writer
            return super()._save_model(epoch, batch, logs)
        if not self._should_save_model(epoch, batch, logs, filepath):
            return None
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with atomic_path(filepath, None, True, "callback_model_checkpoint") as temporary:
            if self.save_weights_only:
                self.model.save_weights(temporary, overwrite=True)
            else:
                self.model.save(temporary, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
        return None


class AtomicBackupAndRestore(keras.callbacks.BackupAndRestore):
    """keras.callbacks.BackupAndRestore whose files are replaced atomically.

    The weights are replaced before the epoch counter: a run killed between
    the two renames repeats one epoch from newer weights, it never skips one.
    """

    _VERB = "callback_backup_and_restore"

    def _copy(self, source, destination):
        with atomic_path(destination, None, True, self._VERB) as temporary:
            shutil.copyfile(source, temporary)

    def _save_model(self):
        if not _is_local(self.backup_dir):
            return super()._save_model()
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for current, previous in ((self._weights_path, self._prev_weights_path),
                                      (self._training_metadata_path,
                                       self._prev_training_metadata_path)):
                if os.path.exists(current):
                    self._copy(current, previous)
        with atomic_path(self._weights_path, None, True, self._VERB) as temporary:
            self.model.save_weights(temporary, overwrite=True)
        with atomic_path(self._training_metadata_path, None, True, self._VERB) as temporary:
            with open(temporary, "w") as handle:
                json.dump({"epoch": self._current_epoch, "batch": self._last_batch_seen}, handle)
        return None


def _keras_signature(cls) -> inspect.Signature:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return inspect.Signature([p for p in params if p.kind is not p.VAR_KEYWORD])


@verb_kind("object")
def callback_model_checkpoint(filepath, **kwargs):
    """Save the model (or its weights) during training; files are replaced atomically.

    As `keras.callbacks.ModelCheckpoint` (same arguments and behaviour), except
    that a checkpoint is written to a temporary file and renamed over the old
    one: a crash, a kill or a full disk mid-write leaves the previous good
    checkpoint intact, and readers never see a half-written file.

    Example:
        >>> cb = callback_model_checkpoint("best.keras", save_best_only=True)
        >>> # model >> fit(x, y, validation_split=0.2, callbacks=cb)
    """
    filepath = _path(filepath, "filepath", "callback_model_checkpoint")
    if "save_freq" in kwargs:
        kwargs["save_freq"] = _save_freq(kwargs["save_freq"])
    return AtomicModelCheckpoint(filepath, **kwargs)


@verb_kind("object")
def callback_backup_and_restore(backup_dir, **kwargs):
    """Back up the training state each epoch and resume from it after a crash.

    As `keras.callbacks.BackupAndRestore`, with the backup files replaced
    atomically, so a run killed while writing its backup resumes from the
    previous one instead of failing on a truncated file.
    """
    backup_dir = _path(backup_dir, "backup_dir", "callback_backup_and_restore")
    if "save_freq" in kwargs:
        kwargs["save_freq"] = _save_freq(kwargs["save_freq"])
    return AtomicBackupAndRestore(backup_dir, **kwargs)


callback_model_checkpoint.__signature__ = _keras_signature(keras.callbacks.ModelCheckpoint)
callback_backup_and_restore.__signature__ = _keras_signature(keras.callbacks.BackupAndRestore)
callback_model_checkpoint.__doc__ += "\n\n" + (keras.callbacks.ModelCheckpoint.__doc__ or "")
callback_backup_and_restore.__doc__ += "\n\n" + (keras.callbacks.BackupAndRestore.__doc__ or "")
