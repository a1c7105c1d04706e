"""Nadam: Adam with Nesterov momentum (Keras' momentum schedule)."""

import numpy as np

from kerasnet.backend.variable import Variable
from kerasnet.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam.

    u_t = beta_1 (1 - 0.5 * 0.96^t); the product of the u_t is kept in a
    variable; m and v as in Adam; the step mixes the bias-corrected momentum
    of the next step with the current gradient.

    Args:
        learning_rate: 0.001; beta_1: 0.9; beta_2: 0.999; epsilon: 1e-7.
    """

    _update_op = "nadam_update"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        dtype = var_list[0].dtype if var_list else "float32"
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        self._u_product = Variable(np.asarray(1.0, dtype=dtype), dtype=dtype, trainable=False, name="u_product")
        self._variables.append(self._u_product)

    def _before_update(self, step):
        b1 = float(self.beta_1)
        self._u_t = b1 * (1.0 - 0.5 * 0.96 ** step)
        self._u_t1 = b1 * (1.0 - 0.5 * 0.96 ** (step + 1))
        u_prod = float(self._u_product.numpy()) * self._u_t
        self._u_product.assign(np.asarray(u_prod, dtype=self._u_product.dtype))
        self._u_prod_t = u_prod
        self._u_prod_t1 = u_prod * self._u_t1

    def _slots(self, variables):
        idx = [self._index[id(v)] for v in variables]
        return [[self._momentums[i] for i in idx], [self._velocities[i] for i in idx]]

    def _hyper(self, lr):
        return [lr, float(self.beta_1), float(self.beta_2), float(self.epsilon), self._u_t, self._u_t1,
                self._u_prod_t, self._u_prod_t1]

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
