"""Adadelta."""

from kerasnet.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta: step sizes from running averages of squared gradients and updates.

    acc_g = rho acc_g + (1 - rho) g^2; delta = -sqrt(acc_d + eps)/sqrt(acc_g + eps) g;
    acc_d = rho acc_d + (1 - rho) delta^2; w += lr delta.

    Args:
        learning_rate: 0.001; rho: 0.95; epsilon: 1e-7.
    """

    _update_op = "adadelta_update"

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="adadelta", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])

    def _slots(self, variables):
        idx = [self._index[id(v)] for v in variables]
        return [[self._accumulated_grads[i] for i in idx], [self._accumulated_delta_vars[i] for i in idx]]

    def _hyper(self, lr):
        return [lr, float(self.rho), float(self.epsilon)]

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
