"""SGD with optional (Nesterov) momentum."""

from kerasnet.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with momentum.

    With momentum 0: w -= lr * g. Otherwise
    m = momentum * m - lr * g; w += m (or w += momentum * m - lr * g with
    `nesterov=True`).

    Args:
        learning_rate: defaults to 0.01.
        momentum: float >= 0, defaults to 0.
        nesterov: whether to apply Nesterov momentum.
    """

    _update_op = "sgd_update"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum != 0 else []

    def _slots(self, variables):
        if self.momentum == 0:
            return []
        return [[self._momentums[self._index[id(v)]] for v in variables]]

    def _hyper(self, lr):
        return [lr, float(self.momentum), 1.0 if self.nesterov else 0.0]

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
