"""BackupAndRestore: resumes an interrupted `fit` where it stopped (Keras 3)."""

import json
import os
import shutil

from kerasnet.callbacks.callback import Callback
from kerasnet.saving.file_io import atomic_path


class BackupAndRestore(Callback):
    """Backs up the training state so that a new `fit` resumes an interrupted one.

    At the end of each epoch (or every `save_freq` batches) the weights and
    optimizer state go to `backup_dir/latest.weights.h5` and the next epoch to
    run to `backup_dir/training_metadata.json`, both written atomically. A
    later `fit` with this callback loads them and starts at that epoch. A
    `fit` that finishes deletes the backup (unless `delete_checkpoint=False`).

    Args:
        backup_dir: the folder of the backup.
        save_freq: "epoch", or back up every this many batches.
        double_checkpoint: keep the previous backup too (`.bkp`), used when
            the latest cannot be read.
        delete_checkpoint: delete the backup when training finishes.

    Example:

    >>> cb = kerasnet.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
    >>> model.fit(x, y, epochs=10, callbacks=[cb])  # interrupted at epoch 4
    >>> model.fit(x, y, epochs=10, callbacks=[cb])  # runs epochs 5..10
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_metadata_path = self._metadata_path + ".bkp"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        try:
            self._load()
        except (OSError, ValueError):
            if not os.path.exists(self._prev_weights_path):
                raise
            shutil.copyfile(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_metadata_path):
                shutil.copyfile(self._prev_metadata_path, self._metadata_path)
            elif os.path.exists(self._metadata_path):
                os.remove(self._metadata_path)
            self._load()

    def _load(self):
        model = self.model
        if not model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built "
                f"before you call `fit()`. Model {model} is unbuilt. You can build "
                "it beforehand by calling it on a batch of data."
            )
        if os.path.exists(self._weights_path):
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and not optimizer.built:
                optimizer.build(model.trainable_variables)
            model.load_weights(self._weights_path)
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path) as f:
                metadata = json.loads(f.read())
            model._initial_epoch = int(metadata["epoch"])
            self._current_epoch = model._initial_epoch

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save()

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save(self):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for src, dst in ((self._weights_path, self._prev_weights_path),
                             (self._metadata_path, self._prev_metadata_path)):
                if os.path.exists(src):
                    with atomic_path(dst) as tmp:
                        shutil.copyfile(src, tmp)
        self.model.save_weights(self._weights_path, overwrite=True)
        with atomic_path(self._metadata_path) as tmp, open(tmp, "w") as f:
            f.write(json.dumps({"epoch": self._current_epoch, "batch": self._last_batch_seen}))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
