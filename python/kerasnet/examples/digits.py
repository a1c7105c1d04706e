"""Trains a small convnet on the bundled 8x8 handwritten digits and prints test accuracy.

    python -m kerasnet.examples.digits [--epochs 30] [--batch-size 32] [--seed 0]

The code is ordinary Keras code with `import kerasnet as keras`.
"""

import argparse
import time

import numpy as np

import kerasnet as keras
from kerasnet import layers


def build_model():
    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
        layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(64, kernel_size=3, padding="same", activation="relu"),
        layers.MaxPooling2D(pool_size=2),
        layers.Flatten(),
        layers.Dropout(0.3),
        layers.Dense(10, activation="softmax"),
    ], name="digits_convnet")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", type=int, default=1)
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    # Pixels are 0..16; scale to [0, 1] and add the channel axis.
    x_train = (x_train.astype("float32") / 16.0)[..., np.newaxis]
    x_test = (x_test.astype("float32") / 16.0)[..., np.newaxis]
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)

    model = build_model()
    if args.verbose:
        model.summary()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1,
              verbose=2 if args.verbose else 0)
    elapsed = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {loss:.4f}")
    print(f"Test accuracy: {accuracy:.4f}")
    print(f"Training time: {elapsed:.1f} s")
    return accuracy


if __name__ == "__main__":
    main()
