"""kerasnet.datasets: small datasets, as keras.datasets.

`digits` ships inside the package (no download); `mnist`, `fashion_mnist`,
`cifar10`, `cifar100`, `imdb` and `reuters` download their files once into
the Keras cache (`~/.keras/datasets`, or `$KERAS_HOME/datasets`) and check
their hashes.
"""

from kerasnet.datasets import (
    cifar10,  # noqa: F401
    cifar100,  # noqa: F401
    digits,  # noqa: F401
    fashion_mnist,  # noqa: F401
    imdb,  # noqa: F401
    mnist,  # noqa: F401
    reuters,  # noqa: F401
)
