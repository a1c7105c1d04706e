"""Optimizer: the base of every optimizer (Keras 3's API and variable order).

Variables, in order: `iteration` (int64), `learning_rate` (when it is a float,
not a schedule), then the per-variable slots each optimizer adds in `build`
(Adam: for each variable its momentum then its velocity, interleaved as in
Keras 3, so saved optimizer state moves between kerasnet and Keras). An
update step runs clipping and weight decay, then one fused engine call
updating all variables (`kerasnet.ops.optim.<name>_update`), then the variables'
constraints.
"""

import re
import warnings

import numpy as np

from kerasnet import initializers
from kerasnet.backend.tensor import Tensor, as_tensor, cast, zeros_like
from kerasnet.backend.variable import Variable
from kerasnet.ops import optim, reduce
from kerasnet.ops.elementwise import add, clip, divide, maximum, minimum, multiply, sqrt, square, subtract
from kerasnet.ops.shape import stack
from kerasnet.optimizers import schedules
from kerasnet.optimizers.schedules.learning_rate_schedule import LearningRateSchedule
from kerasnet.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
from kerasnet.backend import naming


class Optimizer:
    """Base class of optimizers.

    Args:
        learning_rate: a float, a `LearningRateSchedule`, or a callable
            returning the learning rate.
        weight_decay: decoupled weight decay: each step multiplies every
            variable not excluded by (1 - weight_decay * learning_rate).
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to [-clipvalue, clipvalue].
        global_clipnorm: clip all gradients together to this global norm.
        use_ema, ema_momentum, ema_overwrite_frequency: exponential moving
            average of the weights (Keras semantics).
        loss_scale_factor: multiply the loss by this, divide gradients by it.
        gradient_accumulation_steps: update every N steps with the mean gradient.
        name: the optimizer's name.
    """

    _update_op = None  # name of the fused engine op, e.g. "adam_update"

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        kwargs.pop("decay", None)
        if "lr" in kwargs:
            learning_rate = kwargs.pop("lr")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        self.name = name or naming.auto_name(self.__class__.__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps is not None and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
            )
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can "
                f"be set. Received: clipnorm={clipnorm}, "
                f"clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._index = {}
        self._iterations = self._make_variable(np.int64(0), "int64", "iteration")
        if isinstance(learning_rate, LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.floating)):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance "
                    "of LearningRateSchedule, or a callable (that takes in the "
                    "current iteration value and returns the corresponding "
                    f"learning rate value). Received instead: learning_rate={learning_rate}"
                )
            self._learning_rate = self._make_variable(np.float32(learning_rate), "float32", "learning_rate")
        self._exclude_ids = set()
        self._exclude_names = None

    def _make_variable(self, value, dtype, name):
        v = Variable(value, dtype=dtype, trainable=False, name=name)
        v._path = f"{self.name}/{name}"
        self._variables.append(v)
        return v

    # -- variables -----------------------------------------------------------------
    @property
    def variables(self):
        return list(self._variables)

    @property
    def iterations(self):
        return self._iterations

    @iterations.setter
    def iterations(self, value):
        self._iterations.assign(int(value))

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="mean", name=None):
        init = initializers.get(initializer)
        v = Variable(init, shape=tuple(shape), dtype=dtype, trainable=False, name=name or "variable")
        v._path = f"{self.name}/{v.name}"
        self._variables.append(v)
        return v

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        name = (reference_variable.path.replace("/", "_") + "_" + (name or "var"))
        return self.add_variable(reference_variable.shape, initializer=initializer,
                                 dtype=reference_variable.dtype, name=name)

    def add_optimizer_variables(self, var_list, name, initializer="zeros"):
        """One slot per variable of `var_list` named after `name`; with a list
        of names, a tuple of lists, created interleaved per variable (Keras'
        order: v0_a, v0_b, v1_a, v1_b, ...)."""
        if isinstance(name, str):
            return [self.add_variable_from_reference(v, name, initializer) for v in var_list]
        names = list(name)
        inits = list(initializer) if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        if len(inits) != len(names):
            raise ValueError(
                "The number of provided names must match the number of provided "
                f"initializers. Received name='{name}', initializer='{initializer}'"
            )
        out = tuple([] for _ in names)
        for v in var_list:
            for slots, n, init in zip(out, names, inits):
                slots.append(self.add_variable_from_reference(v, n, init))
        return out

    def build(self, var_list):
        for i, v in enumerate(var_list):
            self._index[id(v)] = i
        self._trainable_variables = list(var_list)
        if self.use_ema:
            self._ema = self.add_optimizer_variables(var_list, "average")
        if self.gradient_accumulation_steps:
            self._accumulators = self.add_optimizer_variables(var_list, "gradient_accumulator")
        self.built = True

    def _slots(self, variables):
        """Per-slot lists of this optimizer's state for `variables` (subclasses)."""
        return []

    def _hyper(self, lr):
        return [lr]

    # -- learning rate -----------------------------------------------------------------
    @property
    def learning_rate(self):
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or (callable(value) and not isinstance(value, Tensor)):
            if isinstance(self._learning_rate, Variable):
                self._variables = [v for v in self._variables if v is not self._learning_rate]
            self._learning_rate = value
            return
        if not isinstance(self._learning_rate, Variable):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object "
                "as its `learning_rate` constructor argument, hence its learning "
                "rate is not settable. If you need the learning rate to be "
                "settable, you should instantiate the optimizer with a float "
                "`learning_rate` argument."
            )
        self._learning_rate.assign(np.float32(float(value)))

    def _current_learning_rate(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if callable(self._learning_rate) and not isinstance(self._learning_rate, Tensor):
            return self._learning_rate()
        return self._learning_rate

    def _lr_value(self):
        lr = self._current_learning_rate()
        return float(np.asarray(lr))

    # -- applying gradients ------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            return self._iterations
        grads, variables = zip(*grads_and_vars)
        self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates the variables from their gradients (one optimizer step)."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer "
                    "must already be built on a list of variables. Call "
                    "`optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            for v in trainable_variables:
                if id(v) not in self._index:
                    raise ValueError(
                        f"Unknown variable: {v}. This optimizer can only be "
                        "called for the variables it was originally built with. "
                        "When working with a new set of variables, you should "
                        "recreate a new optimizer instance."
                    )
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Received {len(grads)} gradients for {len(trainable_variables)} variables."
            )
        # Variables that take their gradient as their new value.
        kept_g, kept_v = [], []
        for g, v in zip(grads, trainable_variables):
            if getattr(v, "overwrite_with_gradient", False) and g is not None:
                v.assign(g)
            else:
                kept_g.append(g)
                kept_v.append(v)
        grads, variables = kept_g, kept_v
        missing = [v.name for g, v in zip(grads, variables) if g is None]
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(
                f"Gradients do not exist for variables {missing} when minimizing "
                "the loss. If using `model.compile()`, did you forget to provide "
                "a `loss` argument?",
                stacklevel=2,
            )
        grads = [g if isinstance(g, Tensor) else as_tensor(g) for g, _ in pairs]
        variables = [v for _, v in pairs]
        if self.loss_scale_factor is not None:
            grads = [divide(g, float(self.loss_scale_factor)) for g in grads]
        if self.gradient_accumulation_steps:
            self._accumulate_and_maybe_update(grads, variables)
        else:
            self._update(grads, variables)
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v))

    def _accumulate_and_maybe_update(self, grads, variables):
        steps = self.gradient_accumulation_steps
        accs = [self._accumulators[self._index[id(v)]] for v in variables]
        step = int(self._iterations.numpy())
        if (step + 1) % steps == 0:
            mean = [divide(add(g, a), float(steps)) for g, a in zip(grads, accs)]
            self._update(mean, variables, count_step=False)
            for a in accs:
                a.assign(zeros_like(a))
        else:
            for g, a in zip(grads, accs):
                a.assign(add(a, g))
        self._iterations.assign(np.int64(step + 1))

    def _clip(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            out = []
            for g in grads:
                norm = sqrt(reduce.sum(square(g)))
                out.append(divide(multiply(g, float(self.clipnorm)), maximum(norm, float(self.clipnorm))))
            return out
        if self.global_clipnorm and self.global_clipnorm > 0:
            total = sqrt(reduce.sum(stack([reduce.sum(square(cast(g, "float32"))) for g in grads])))
            c = float(self.global_clipnorm)
            scale = add(multiply(minimum(divide(1.0, total), 1.0 / c), c), subtract(total, total))
            return [multiply(g, cast(scale, g.dtype)) for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            v = float(self.clipvalue)
            return [clip(g, -v, v) for g in grads]
        return grads

    def _apply_weight_decay(self, variables, lr):
        if self.weight_decay is None:
            return
        decayed = [v for v in variables if self._use_weight_decay(v)]
        if decayed:
            # w -= w * wd * lr, as one fused call (the "gradient" is w itself).
            optim.sgd_update(decayed, decayed, [], [lr * float(self.weight_decay), 0.0, 0.0], 1)

    def _update(self, grads, variables, count_step=True):
        grads = self._clip(grads)
        lr = self._lr_value()
        self._apply_weight_decay(variables, lr)
        # Keras' `iterations + 1`: with gradient accumulation the iterations
        # count every call, not only the updates.
        step = int(self._iterations.numpy()) + 1
        self._before_update(step)
        getattr(optim, self._update_op)(variables, grads, self._slots(variables), self._hyper(lr), step)
        if self.use_ema:
            self._update_ema(variables)
        if count_step:
            self._iterations.assign(np.int64(int(self._iterations.numpy()) + 1))

    def _before_update(self, step):
        """Hook for optimizer-wide state updated once per step (Nadam)."""

    def _update_ema(self, variables):
        first = int(self._iterations.numpy()) == 0
        m = 0.0 if first else float(self.ema_momentum)
        for v in variables:
            avg = self._ema[self._index[id(v)]]
            avg.assign(add(multiply(avg, m), multiply(v, 1.0 - m)))
        if self.ema_overwrite_frequency and (int(self._iterations.numpy()) + 1) % self.ema_overwrite_frequency == 0:
            self.finalize_variable_values(variables)

    def finalize_variable_values(self, var_list):
        if self.use_ema:
            for v in var_list:
                v.assign(self._ema[self._index[id(v)]])

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before "
                "the optimizer is built."
            )
        self._exclude_ids = {id(v) for v in var_list or []}
        self._exclude_names = list(var_names) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        if self._exclude_names and re.search("|".join(self._exclude_names), variable.name):
            return False  # Keras matches the names as regular expressions
        return True

    def scale_loss(self, loss):
        if self.loss_scale_factor is not None:
            return multiply(loss, float(self.loss_scale_factor))
        return loss

    # -- state ----------------------------------------------------------------------------
    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not "
                "yet been built. Please call `optimizer.build(trainable_variables)` "
                "to create the optimizer weights before calling `set_weights()`."
            )
        for v, w in zip(self._variables, weights):
            if tuple(v.shape) != tuple(np.shape(w)):
                raise ValueError(
                    f"Optimizer variable {v.name} has shape {v.shape} not "
                    f"compatible with provided weight shape {np.shape(w)}."
                )
            v.assign(w)

    def get_weights(self):
        return [v.numpy() for v in self._variables]

    def save_own_variables(self, store):
        for i, v in enumerate(self._variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self._variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', "
                f"because it has {len(self._variables)} variables whereas the "
                f"saved optimizer has {len(store.keys())} variables.",
                stacklevel=2,
            )
            return
        for i, v in enumerate(self._variables):
            v.assign(store[str(i)])

    # -- config ---------------------------------------------------------------------------
    def get_config(self):
        if isinstance(self._learning_rate, LearningRateSchedule):
            lr = schedules.serialize(self._learning_rate)
        elif isinstance(self._learning_rate, Variable):
            lr = float(self._learning_rate.numpy())
        else:
            lr = serialize_keras_object(self._learning_rate)
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_keras_object(config["learning_rate"], custom_objects=custom_objects)
        # Keras 2 / tf.keras configs carry keys Keras 3 dropped.
        for key in ("decay", "is_legacy_optimizer", "jit_compile"):
            config.pop(key, None)
        return cls(**config)
