"""CompileLoss: how compile(loss=...) maps onto the outputs of a model."""

import numpy as np

import kerasnet


def test_one_loss_applies_to_every_output_of_a_subclassed_model():
    """Keras 3 maps a single loss over all outputs, also when the model's
    outputs were unknown at compile time (a subclassed model)."""
    class TwoHeads(kerasnet.Model):
        def __init__(self):
            super().__init__()
            self.a = kerasnet.layers.Dense(2)
            self.b = kerasnet.layers.Dense(3)

        def call(self, x):
            return [self.a(x), self.b(x)]

    model = TwoHeads()
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    ya, yb = np.ones((4, 2), "float32"), np.zeros((4, 3), "float32")
    pa, pb = (np.asarray(p) for p in model(x))
    model.compile(optimizer="sgd", loss="mse")
    loss = model.evaluate(x, [ya, yb], verbose=0)
    loss = loss[0] if isinstance(loss, list) else loss
    expected = np.mean((pa - ya) ** 2) + np.mean((pb - yb) ** 2)
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
