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

    @property
    def workers(self):
        return self._workers

    @property
    def use_multiprocessing(self):
        return self._use_multiprocessing

    @property
    def max_queue_size(self):
        return self._max_queue_size

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
