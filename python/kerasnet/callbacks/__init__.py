"""kerasnet.callbacks: hooks into fit / evaluate / predict (Keras' callbacks)."""

from kerasnet.callbacks.callback import Callback  # noqa: F401
from kerasnet.callbacks.callback_list import CallbackList  # noqa: F401
from kerasnet.callbacks.csv_logger import CSVLogger  # noqa: F401
from kerasnet.callbacks.early_stopping import EarlyStopping  # noqa: F401
from kerasnet.callbacks.history import History  # noqa: F401
from kerasnet.callbacks.lambda_callback import LambdaCallback  # noqa: F401
from kerasnet.callbacks.learning_rate_scheduler import (  # noqa: F401
    LearningRateScheduler,
)
from kerasnet.callbacks.progbar_logger import ProgbarLogger  # noqa: F401
from kerasnet.callbacks.reduce_lr_on_plateau import (  # noqa: F401
    ReduceLROnPlateau,
)
from kerasnet.callbacks.terminate_on_nan import TerminateOnNaN  # noqa: F401
from kerasnet.callbacks.backup_and_restore import BackupAndRestore  # noqa: F401
from kerasnet.callbacks.model_checkpoint import ModelCheckpoint  # noqa: F401
