"""model.summary(): Keras' table, parameter totals, shapes of every kind of model."""

import numpy as np

import kerasnet
from kerasnet import layers


def mnist_convnet():
    return kerasnet.Sequential([
        kerasnet.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    ])


def summary_lines(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def row(lines, name):
    matches = [line for line in lines if f" {name} " in line]
    assert len(matches) == 1, (name, lines)
    return [cell.strip() for cell in matches[0].strip("│").split("│")]


def test_mnist_convnet_summary_reports_34826_params(capsys):
    model = mnist_convnet()
    model.summary()
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert lines[0] == f'Model: "{model.name}"'
    assert "Layer (type)" in lines[2] and "Output Shape" in lines[2] and "Param #" in lines[2]
    expected = [
        ("conv2d", "Conv2D", "(None, 26, 26, 32)", "320"),
        ("max_pooling2d", "MaxPooling2D", "(None, 13, 13, 32)", "0"),
        ("conv2d_1", "Conv2D", "(None, 11, 11, 64)", "18,496"),
        ("max_pooling2d_1", "MaxPooling2D", "(None, 5, 5, 64)", "0"),
        ("flatten", "Flatten", "(None, 1600)", "0"),
        ("dropout", "Dropout", "(None, 1600)", "0"),
        ("dense", "Dense", "(None, 10)", "16,010"),
    ]
    for layer, (_, cls, shape, params) in zip(model.layers, expected):
        cells = row(lines, f"{layer.name} ({cls})")
        assert cells[1:] == [shape, params]
    assert " Total params: 34,826 (136.04 KB)" in lines
    assert " Trainable params: 34,826 (136.04 KB)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines
    assert model.count_params() == 34826
    # Table borders as Keras draws them.
    assert lines[1].startswith("┏") and lines[3].startswith("┡") and lines[-4].startswith("└")


def test_non_trainable_params_from_batch_norm_and_frozen_layers():
    model = kerasnet.Sequential([kerasnet.Input((4,)), layers.Dense(8, name="d"),
                                 layers.BatchNormalization(name="bn"), layers.Dense(2, name="o")])
    lines = summary_lines(model)
    assert row(lines, "bn (BatchNormalization)")[2] == "32"
    assert " Total params: 90 (360.00 B)" in lines
    assert " Trainable params: 74 (296.00 B)" in lines
    assert " Non-trainable params: 16 (64.00 B)" in lines
    model.get_layer("d").trainable = False
    lines = summary_lines(model, show_trainable=True)
    assert " Trainable params: 34 (136.00 B)" in lines
    assert row(lines, "d (Dense)")[-1] == "N" and row(lines, "o (Dense)")[-1] == "Y"


def test_functional_summary_lists_inputs_and_connections():
    a, b = kerasnet.Input((3,), name="a"), kerasnet.Input((2,), name="b")
    cat = layers.Concatenate(name="cat")([a, b])
    model = kerasnet.Model([a, b], layers.Dense(1, name="out")(cat))
    lines = summary_lines(model)
    assert "Connected to" in lines[2]
    assert row(lines, "a (InputLayer)")[1:3] == ["(None, 3)", "0"]
    cells = row(lines, "cat (Concatenate)")
    assert cells[1] == "(None, 5)" and "a[0][0]" in cells[3] and "b[0][0]" in cells[3]
    assert row(lines, "out (Dense)")[1:] == ["(None, 1)", "6", "cat[0][0]"]


def test_subclassed_model_summary_shows_real_shapes_after_a_call():
    class Net(kerasnet.Model):
        def __init__(self):
            super().__init__(name="net")
            self.conv = layers.Conv2D(4, 3, name="conv")
            self.pool = layers.GlobalAveragePooling2D(name="gap")
            self.drop = layers.Dropout(0.1, name="drop")
            self.out = layers.Dense(3, name="out")

        def call(self, x):
            return self.out(self.drop(self.pool(self.conv(x))))

    model = Net()
    model(np.zeros((2, 8, 8, 1), "float32"))
    lines = summary_lines(model)
    assert row(lines, "conv (Conv2D)")[1:] == ["(2, 6, 6, 4)", "40"]
    assert row(lines, "gap (GlobalAveragePooling2D)")[1:] == ["(2, 4)", "0"]
    assert row(lines, "drop (Dropout)")[1:] == ["(2, 4)", "0"]
    assert row(lines, "out (Dense)")[1:] == ["(2, 3)", "15"]
    assert " Total params: 55 (220.00 B)" in lines
    assert not any("?" in line for line in lines)
