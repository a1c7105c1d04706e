"""kerasnet.datasets: small datasets, as keras.datasets.

`digits` ships inside the package (no download); `mnist`, `fashion_mnist`,
`cifar10`, `cifar100` and `imdb` download their files once into the Keras
cache (`~/.keras/datasets`, or `$KERAS_HOME/datasets`) and check their hashes.
"""

from kerasnet.datasets import cifar10  # noqa: F401
from kerasnet.datasets import cifar100  # noqa: F401
from kerasnet.datasets import digits  # noqa: F401
from kerasnet.datasets import fashion_mnist  # noqa: F401
from kerasnet.datasets import imdb  # noqa: F401
from kerasnet.datasets import mnist  # noqa: F401
