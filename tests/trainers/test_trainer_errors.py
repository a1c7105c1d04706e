"""Bad input to the training API raises clear errors naming what is wrong."""

import numpy as np
import pytest
from trainer_helpers import linear_model

import kerasnet
from kerasnet import layers

X = np.zeros((10, 3), "float32")
Y = np.zeros((10, 1), "float32")


def test_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match=r"Data cardinality is ambiguous.*x=\[10\].*y=\[9\]"):
        linear_model().fit(X, Y[:9], verbose=0)
    with pytest.raises(ValueError, match="sample_weight=\\[4\\]"):
        linear_model().evaluate(X, Y, sample_weight=np.ones(4), verbose=0)


def test_unknown_loss_optimizer_or_metric_names():
    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 'not_a_loss'"):
        model.compile("sgd", "not_a_loss")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'adamz'"):
        model.compile("adamz", "mse")
    model.compile("sgd", "mse", metrics=["not_a_metric"])
    with pytest.raises(ValueError, match="not_a_metric"):
        model.fit(X, Y, verbose=0)


def test_loss_structure_errors():
    inputs = kerasnet.Input((3,))
    model = kerasnet.Model(inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(1, name="b")(inputs)])
    with pytest.raises(ValueError, match="do not correspond to any model output"):
        model.compile("sgd", loss={"c": "mse"})
    with pytest.raises(ValueError, match="as many entries as the model has outputs"):
        model.compile("sgd", loss=["mse"] * 3)


def test_negative_units_and_bad_layer_arguments():
    with pytest.raises(ValueError, match="Received an invalid value for `units`.*units=-3"):
        layers.Dense(-3)
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(-1, 3)


def test_rank_2_tensor_into_conv2d_names_the_layer_and_shape():
    model = kerasnet.Sequential([layers.Conv2D(4, 3, name="conv")])
    with pytest.raises(ValueError, match=r'layer "conv".*expected min_ndim=4, found ndim=2.*\(None, 3\)'):
        model(X)  # a lazy Sequential builds from the data with an unknown batch size
    with pytest.raises(ValueError, match=r'layer "conv".*expected min_ndim=4, found ndim=2'):
        kerasnet.Sequential([kerasnet.Input((3,)), layers.Conv2D(4, 3, name="conv")])


def test_wrong_input_shape_for_a_built_model_or_layer():
    model = linear_model()
    wrong = np.zeros((10, 4), "float32")
    for call in (lambda: model.fit(wrong, Y, verbose=0), lambda: model.predict(wrong, verbose=0),
                 lambda: model.evaluate(wrong, Y, verbose=0), lambda: model(wrong)):
        with pytest.raises(ValueError, match=rf'layer "{model.name}".*expected shape=\(None, 3\), '
                           r"found shape=\(10, 4\)"):
            call()

    class Sub(kerasnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2, name="inner_dense")

        def call(self, x):
            return self.dense(x)

    sub = Sub()
    sub(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r'layer "inner_dense".*value 3.*\(2, 5\)'):
        sub(np.zeros((2, 5), "float32"))


def test_fit_needs_compile_and_a_loss():
    model = kerasnet.Sequential([kerasnet.Input((3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="must call `compile\\(\\)`"):
        model.fit(X, Y, verbose=0)
    model.compile("sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        model.fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match="Expected `x`"):
        linear_model().fit(None, Y, verbose=0)


def test_class_weight_is_for_single_output_arrays():
    inputs = kerasnet.Input((3,))
    model = kerasnet.Model(inputs, [layers.Dense(1)(inputs), layers.Dense(1)(inputs)])
    model.compile("sgd", ["mse", "mse"])
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(X, [Y, Y], class_weight={0: 1.0}, verbose=0)
