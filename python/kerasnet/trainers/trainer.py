"""Trainer: compile / fit / evaluate / predict and their single-batch forms.

A training step is `train_step(data)`: forward under a GradientTape, the
compiled loss plus the model's own losses, the gradient of the trainable
weights, one fused optimizer update, then the metrics. Users may override
train_step / test_step / predict_step (Keras 3 style). The Python loop runs
once per batch; everything inside a step is engine ops.
"""

import numpy as np

from kerasnet.backend.tape import GradientTape, RecordingPaused
from kerasnet.backend.tensor import Tensor, cast
from kerasnet.ops import reduce
from kerasnet.ops.elementwise import add
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
from kerasnet.trainers import compile_utils, data_adapters
from kerasnet.trainers.data_adapters import unpack_x_y_sample_weight
from kerasnet.backend import tree
from kerasnet import metrics as metrics_module, optimizers
from kerasnet.callbacks.callback_list import CallbackList

# metrics, optimizers and callbacks are imported where compile/fit/evaluate/predict
# first need them, for start-up time: `import kerasnet.models` does not load them.


def _batch_size_of(x):
    for v in tree.flatten(x):
        if v is not None and hasattr(v, "shape") and len(v.shape):
            return int(v.shape[0])
    return 1


def _to_float(v):
    return float(np.asarray(v))


class Trainer:
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self.stop_training = False
        self.history = None
        self._compile_config = None
        self._run_eagerly = False
        self.steps_per_execution = 1
        self._initial_epoch = None

    # -- compile -----------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1, jit_compile="auto",
                auto_scale_loss=True):
        """Configures the model for training.

        Args:
            optimizer: name or instance (default "rmsprop").
            loss: name, function or Loss; a list or dict for several outputs.
            loss_weights: scalar weights of the outputs' losses (list or dict).
            metrics: metrics to evaluate (names, functions, Metric instances;
                "accuracy" picks the right accuracy from the data).
            weighted_metrics: metrics weighted by `sample_weight` / `class_weight`.
            run_eagerly, steps_per_execution, jit_compile, auto_scale_loss:
                accepted for Keras compatibility (kerasnet always runs eagerly).
        """
        self.optimizer = optimizers.get(optimizer)
        output_names = compile_utils._output_names(self)
        self.loss = loss
        self._compile_loss = compile_utils.CompileLoss(loss, loss_weights, output_names) if loss is not None else None
        self._compile_metrics = compile_utils.CompileMetrics(metrics, weighted_metrics, output_names)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._run_eagerly = run_eagerly
        self.steps_per_execution = steps_per_execution
        self.compiled = True

        def ser(x):
            try:
                return serialize_keras_object(x)
            except TypeError:
                return None

        self._compile_config = {
            "optimizer": ser(self.optimizer),
            "loss": ser(loss),
            "loss_weights": loss_weights,
            "metrics": ser(metrics),
            "weighted_metrics": ser(weighted_metrics),
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": False,
        }

    def get_compile_config(self):
        return self._compile_config if self.compiled else None

    def compile_from_config(self, config):
        config = dict(config)
        for key in ("optimizer", "loss", "metrics", "weighted_metrics"):
            if isinstance(config.get(key), (dict, list)):
                config[key] = deserialize_keras_object(config[key])
        config.pop("jit_compile", None)
        self.compile(**{k: v for k, v in config.items() if k in (
            "optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
            "steps_per_execution")})
        if self.built and self.optimizer is not None:
            self.optimizer.build(self.trainable_weights)

    @property
    def run_eagerly(self):
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)

    @property
    def metrics(self):
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.extend(m for _, m, _ in self._compile_metrics.metrics)
        for layer in self._flatten_layers(include_self=False):
            out.extend(getattr(layer, "_tracked_metrics", []))
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    # -- steps -------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Compiled loss + the model's own losses (regularization, add_loss)."""
        losses = []
        if self._compile_loss is not None and y is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for extra in self.losses:
            losses.append(reduce.sum(cast(extra, "float32")))
        if not losses:
            raise ValueError(
                "No loss to compute. Provide a `loss` argument in `compile()`."
            )
        total = losses[0]
        for v in losses[1:]:
            total = add(total, v)
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        logs = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[m.name] = result
        return logs

    def train_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        trainable = self._train_vars if getattr(self, "_train_vars", None) is not None else self.trainable_weights
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
            self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
            if self.optimizer is not None:
                loss = self.optimizer.scale_loss(loss)
        if trainable:
            grads = tape.gradient(loss, trainable)
            self.optimizer.apply(grads, trainable)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # -- loops -------------------------------------------------------------------------
    def _assert_compiled(self):
        if not self.compiled:
            raise ValueError(
                "You must call `compile()` before using the model."
            )

    def _symbolic_build(self, data, build_optimizer=True):
        """Builds the model, the compiled metrics (and optimizer) from a first batch.

        The metrics exist before the first step, so that a custom `train_step`
        iterating over `self.metrics` updates them (as in Keras)."""
        x, y, _ = unpack_x_y_sample_weight(data)
        cm = self._compile_metrics
        metrics_unbuilt = (cm is not None and not cm.built and y is not None
                           and bool(cm._metrics_spec or cm._weighted_spec))
        if not self.built or metrics_unbuilt:
            with RecordingPaused():
                y_pred = self(x, training=False)
            if metrics_unbuilt:
                cm.build(y, y_pred)
        if build_optimizer and self.optimizer is not None and not self.optimizer.built:
            self.optimizer.build(self.trainable_weights)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains the model for a fixed number of epochs; returns a History."""
        self._assert_compiled()
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_adapters.train_validation_split(
                (x, y, sample_weight), validation_split)
        adapter = data_adapters.get_data_adapter(x, y, sample_weight, batch_size=batch_size,
                                                 steps=steps_per_epoch, shuffle=shuffle,
                                                 class_weight=class_weight)
        val_adapter = None
        if validation_data is not None:
            vx, vy, vsw = unpack_x_y_sample_weight(validation_data)
            val_adapter = data_adapters.get_data_adapter(
                vx, vy, vsw, batch_size=validation_batch_size or batch_size or getattr(adapter, "batch_size", None),
                steps=validation_steps, shuffle=False)
        verbose = 1 if verbose == "auto" else verbose
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=adapter.num_batches)
        self.stop_training = False
        self._train_vars = None
        cbs.on_train_begin()
        # BackupAndRestore may set the epoch to resume from in on_train_begin.
        initial_epoch = self._initial_epoch or initial_epoch
        self._initial_epoch = None
        training_logs = None
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            logs = {}
            for step, batch in enumerate(adapter.batches()):
                if self._train_vars is None:
                    self._symbolic_build(batch)
                    self._train_vars = self.trainable_weights
                cbs.on_train_batch_begin(step)
                logs = self.train_step(batch)
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            adapter.on_epoch_end()
            epoch_logs = {k: _to_float(v) for k, v in self.get_metrics_result().items()} if logs else {}
            if val_adapter is not None and _should_validate(epoch, validation_freq):
                val_logs = self._evaluate_adapter(val_adapter, callbacks=None, in_fit=True)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        if self.optimizer is not None and getattr(self.optimizer, "use_ema", False):
            self.optimizer.finalize_variable_values(self.trainable_weights)
        self._train_vars = None
        cbs.on_train_end(training_logs)
        return self.history

    def _evaluate_adapter(self, adapter, callbacks=None, in_fit=False, verbose=0):
        if not in_fit:
            cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                               steps=adapter.num_batches)
            cbs.on_test_begin()
        self.reset_metrics()
        logs = {}
        with RecordingPaused():
            for step, batch in enumerate(adapter.batches()):
                if step == 0:
                    self._symbolic_build(batch, build_optimizer=not self.built)
                if not in_fit:
                    cbs.on_test_batch_begin(step)
                logs = self.test_step(batch)
                if not in_fit:
                    cbs.on_test_batch_end(step, logs)
        logs = {k: _to_float(v) for k, v in self.get_metrics_result().items()}
        if not in_fit:
            cbs.on_test_end(logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics on the data (a scalar, a list, or a dict with return_dict)."""
        self._assert_compiled()
        adapter = data_adapters.get_data_adapter(x, y, sample_weight, batch_size=batch_size, steps=steps,
                                                 shuffle=False)
        verbose = 1 if verbose == "auto" else verbose
        logs = self._evaluate_adapter(adapter, callbacks=callbacks, verbose=verbose)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Predictions for the inputs, batched; numpy arrays out."""
        adapter = data_adapters.get_data_adapter(x, None, None, batch_size=batch_size, steps=steps,
                                                 shuffle=False)
        verbose = 1 if verbose == "auto" else verbose
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=adapter.num_batches)
        cbs.on_predict_begin()
        outputs = []
        with RecordingPaused():
            for step, batch in enumerate(adapter.batches()):
                cbs.on_predict_batch_begin(step)
                out = self.predict_step(batch)
                outputs.append(tree.map_structure(_numpy, out) if tree.is_nested(out) else _numpy(out))
                cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("Unexpected result of `predict`: no batches were produced (empty input?).")
        if tree.is_nested(outputs[0]):
            return tree.map_structure(lambda *xs: np.concatenate(xs, axis=0), *outputs)
        return np.concatenate(outputs, axis=0)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the loss (and metrics)."""
        self._assert_compiled()
        if class_weight is not None:
            cw = data_adapters.class_weight_to_sample_weight(y, class_weight)
            sample_weight = cw if sample_weight is None else np.asarray(sample_weight) * cw
        data = data_adapters.pack_x_y_sample_weight(x, y, sample_weight)
        self._symbolic_build(data)
        self.reset_metrics()
        logs = self.train_step(data)
        return self._single_batch_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled()
        data = data_adapters.pack_x_y_sample_weight(x, y, sample_weight)
        self.reset_metrics()
        with RecordingPaused():
            logs = self.test_step(data)
        return self._single_batch_result(logs, return_dict)

    def predict_on_batch(self, x):
        with RecordingPaused():
            out = self.predict_step((x,))
        return tree.map_structure(_numpy, out) if tree.is_nested(out) else _numpy(out)

    def _single_batch_result(self, logs, return_dict):
        logs = {k: _to_float(v) for k, v in logs.items()}
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values


def _numpy(x):
    if isinstance(x, Tensor):
        return x.numpy()
    return np.asarray(x)


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq
