"""Keras' MNIST convnet example, unchanged, on the bundled digits.

The unchanged architecture cannot run on 8x8x1 images: after Conv2D(3x3) ->
MaxPooling2D -> Conv2D(3x3) the feature map is 1x1 and the second
MaxPooling2D(2x2, valid) would have an output of size 0; kerasnet raises
Keras' "output size would be negative" error naming that layer. So the digits
are upsampled to 28x28 with numpy (nearest neighbour) and the script runs on
them as written for MNIST (batch 128, 15 epochs, Adam, validation_split 0.1).
"""

import numpy as np
import pytest

import kerasnet as keras
from kerasnet import layers


def mnist_convnet(input_shape, num_classes=10):
    # As in keras.io/examples/vision/mnist_convnet.
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )


def test_the_architecture_does_not_fit_8x8_inputs():
    with pytest.raises(ValueError, match=r'output size would be negative.*"max_pooling2d_\d+" '
                       r"received input_shape=\(None, 1, 1, 64\)"):
        mnist_convnet((8, 8, 1))


def upsample_to_28(images):
    """(n, 8, 8) -> (n, 28, 28): nearest neighbour, row/column i reads i * 8 // 28."""
    index = np.arange(28) * 8 // 28
    return images[:, index][:, :, index]


def test_upsampling_keeps_the_pixels():
    img = np.arange(64).reshape(1, 8, 8)
    up = upsample_to_28(img)
    assert up.shape == (1, 28, 28)
    assert up[0, 0, 0] == 0 and up[0, 27, 27] == 63 and set(np.unique(up)) == set(range(64))


@pytest.mark.slow
def test_mnist_convnet_script_on_upsampled_digits(capsys):
    num_classes = 10
    input_shape = (28, 28, 1)
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    # Digits pixels are 0..16 (MNIST's are 0..255) and 8x8: scale, upsample.
    x_train = upsample_to_28(x_train.astype("float32") / 16)
    x_test = upsample_to_28(x_test.astype("float32") / 16)
    # --- from here on, the Keras script as written --------------------------------
    x_train = np.expand_dims(x_train, -1)
    x_test = np.expand_dims(x_test, -1)
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)
    keras.utils.set_random_seed(0)
    model = mnist_convnet(input_shape, num_classes)
    model.summary()
    batch_size = 128
    epochs = 15
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)
    score = model.evaluate(x_test, y_test, verbose=0)
    print("Test loss:", score[0])
    print("Test accuracy:", score[1])
    out = capsys.readouterr().out
    assert "Total params: 34,826" in out
    assert out.count("Epoch ") == 15 and "val_accuracy" in out
    assert score[1] >= 0.93, out
