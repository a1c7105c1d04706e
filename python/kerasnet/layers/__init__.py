"""kerasnet.layers: Keras 3's layers."""

from kerasnet.layers.activations.elu import ELU
from kerasnet.layers.activations.leaky_relu import LeakyReLU
from kerasnet.layers.activations.prelu import PReLU
from kerasnet.layers.activations.relu import ReLU
from kerasnet.layers.activations.softmax import Softmax
from kerasnet.layers.core.activation import Activation
from kerasnet.layers.core.dense import Dense
from kerasnet.layers.core.embedding import Embedding
from kerasnet.layers.core.identity import Identity
from kerasnet.layers.core.input_layer import Input, InputLayer
from kerasnet.layers.core.lambda_layer import Lambda
from kerasnet.layers.input_spec import InputSpec
from kerasnet.layers.layer import Layer
from kerasnet.layers.merging.add import Add, add
from kerasnet.layers.merging.average import Average, average
from kerasnet.layers.merging.concatenate import Concatenate, concatenate
from kerasnet.layers.merging.dot import Dot, dot
from kerasnet.layers.merging.maximum import Maximum, maximum
from kerasnet.layers.merging.minimum import Minimum, minimum
from kerasnet.layers.merging.multiply import Multiply, multiply
from kerasnet.layers.merging.subtract import Subtract, subtract
from kerasnet.layers.normalization.batch_normalization import BatchNormalization
from kerasnet.layers.normalization.layer_normalization import LayerNormalization
from kerasnet.layers.regularization.dropout import Dropout
from kerasnet.layers.reshaping.flatten import Flatten
from kerasnet.layers.reshaping.permute import Permute
from kerasnet.layers.reshaping.repeat_vector import RepeatVector
from kerasnet.layers.reshaping.reshape import Reshape
