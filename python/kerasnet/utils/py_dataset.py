"""PyDataset: a dataset defined in Python, indexed by batch (Keras' keras.utils.PyDataset)."""


class PyDataset:
    """Base class for datasets that produce batches from Python.

    Subclasses implement `__len__` (number of batches) and `__getitem__(index)`
    returning a batch `(x, y)` or `(x, y, sample_weight)`; `on_epoch_end` runs
    after each epoch.

    Args:
        workers, use_multiprocessing, max_queue_size: accepted for Keras
            compatibility; batches are produced on the calling thread.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    # Subclasses that forget `super().__init__()` still get Keras' defaults.
    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        raise NotImplementedError(
            f"{self.__class__.__name__} must implement `__getitem__(index)` returning a batch."
        )

    def __len__(self):
        raise NotImplementedError(
            f"{self.__class__.__name__} must implement `__len__()` returning the number of batches."
        )

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_end(self):
        pass
