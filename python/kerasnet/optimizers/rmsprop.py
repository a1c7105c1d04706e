"""RMSprop."""

from kerasnet.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running RMS of recent gradients.

    velocity = rho velocity + (1 - rho) g^2; with `centered`, the variance
    (velocity - mean_grad^2) replaces it; increment = lr g / sqrt(. + epsilon);
    with momentum, m = momentum m + increment and w -= m, else w -= increment.

    Args:
        learning_rate: 0.001; rho: 0.9; momentum: 0.0; epsilon: 1e-7; centered: False.
    """

    _update_op = "rmsprop_update"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum > 0 else []
        self._average_gradients = (self.add_optimizer_variables(var_list, "average_gradient")
                                   if self.centered else [])

    def _slots(self, variables):
        idx = [self._index[id(v)] for v in variables]
        vel = [self._velocities[i] for i in idx]
        # Slot positions are fixed in the kernel: [velocity, momentum, average]; an unused
        # position gets the velocity list (never read).
        mom = [self._momentums[i] for i in idx] if self.momentum > 0 else vel
        avg = [self._average_gradients[i] for i in idx] if self.centered else vel
        return [vel, mom, avg]

    def _hyper(self, lr):
        return [lr, float(self.rho), float(self.momentum), float(self.epsilon), 1.0 if self.centered else 0.0]

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
