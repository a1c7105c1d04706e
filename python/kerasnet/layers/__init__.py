"""kerasnet.layers: Keras 3's layers."""

from kerasnet.layers.activations.elu import ELU
from kerasnet.layers.activations.leaky_relu import LeakyReLU
from kerasnet.layers.activations.prelu import PReLU
from kerasnet.layers.activations.relu import ReLU
from kerasnet.layers.activations.softmax import Softmax
from kerasnet.layers.attention.additive_attention import AdditiveAttention
from kerasnet.layers.attention.attention import Attention
from kerasnet.layers.attention.grouped_query_attention import GroupedQueryAttention
from kerasnet.layers.attention.multi_head_attention import MultiHeadAttention
from kerasnet.layers.core.activation import Activation
from kerasnet.layers.core.dense import Dense
from kerasnet.layers.core.einsum_dense import EinsumDense
from kerasnet.layers.core.embedding import Embedding
from kerasnet.layers.core.identity import Identity
from kerasnet.layers.core.input_layer import Input, InputLayer
from kerasnet.layers.core.lambda_layer import Lambda
from kerasnet.layers.core.masking import Masking
from kerasnet.layers.core.wrapper import Wrapper
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
from kerasnet.layers.normalization.group_normalization import GroupNormalization
from kerasnet.layers.normalization.rms_normalization import RMSNormalization
from kerasnet.layers.normalization.unit_normalization import UnitNormalization
from kerasnet.layers.regularization.dropout import Dropout
from kerasnet.layers.regularization.activity_regularization import ActivityRegularization
from kerasnet.layers.regularization.alpha_dropout import AlphaDropout
from kerasnet.layers.regularization.gaussian_dropout import GaussianDropout
from kerasnet.layers.regularization.gaussian_noise import GaussianNoise
from kerasnet.layers.regularization.spatial_dropout1d import SpatialDropout1D
from kerasnet.layers.regularization.spatial_dropout2d import SpatialDropout2D
from kerasnet.layers.regularization.spatial_dropout3d import SpatialDropout3D
from kerasnet.layers.reshaping.flatten import Flatten
from kerasnet.layers.reshaping.permute import Permute
from kerasnet.layers.reshaping.repeat_vector import RepeatVector
from kerasnet.layers.reshaping.cropping1d import Cropping1D
from kerasnet.layers.reshaping.cropping2d import Cropping2D
from kerasnet.layers.reshaping.cropping3d import Cropping3D
from kerasnet.layers.reshaping.reshape import Reshape
from kerasnet.layers.reshaping.up_sampling1d import UpSampling1D
from kerasnet.layers.reshaping.up_sampling2d import UpSampling2D
from kerasnet.layers.reshaping.up_sampling3d import UpSampling3D
from kerasnet.layers.reshaping.zero_padding1d import ZeroPadding1D
from kerasnet.layers.reshaping.zero_padding2d import ZeroPadding2D
from kerasnet.layers.reshaping.zero_padding3d import ZeroPadding3D
from kerasnet.layers.convolutional.conv1d import Conv1D
from kerasnet.layers.convolutional.conv2d import Conv2D
from kerasnet.layers.convolutional.conv3d import Conv3D
from kerasnet.layers.convolutional.depthwise_conv2d import DepthwiseConv1D, DepthwiseConv2D
from kerasnet.layers.pooling.average_pooling1d import AveragePooling1D
from kerasnet.layers.pooling.average_pooling2d import AveragePooling2D
from kerasnet.layers.pooling.average_pooling3d import AveragePooling3D
from kerasnet.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from kerasnet.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from kerasnet.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D
from kerasnet.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from kerasnet.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from kerasnet.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D
from kerasnet.layers.pooling.max_pooling1d import MaxPooling1D
from kerasnet.layers.pooling.max_pooling2d import MaxPooling2D
from kerasnet.layers.pooling.max_pooling3d import MaxPooling3D
from kerasnet.layers.rnn.bidirectional import Bidirectional
from kerasnet.layers.rnn.conv_lstm1d import ConvLSTM1D
from kerasnet.layers.rnn.conv_lstm2d import ConvLSTM2D
from kerasnet.layers.rnn.conv_lstm3d import ConvLSTM3D
from kerasnet.layers.rnn.gru import GRU, GRUCell
from kerasnet.layers.rnn.lstm import LSTM, LSTMCell
from kerasnet.layers.rnn.rnn import RNN
from kerasnet.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from kerasnet.layers.rnn.stacked_rnn_cells import StackedRNNCells
from kerasnet.layers.rnn.time_distributed import TimeDistributed
from kerasnet.saving.serialization_lib import deserialize_keras_object as _deserialize_keras_object
from kerasnet.saving.serialization_lib import serialize_keras_object as _serialize_keras_object

# Keras' aliases.
GroupQueryAttention = GroupedQueryAttention
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
MaxPool3D = MaxPooling3D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
AvgPool3D = AveragePooling3D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D


def serialize(layer):
    """The Keras config dict of a layer (`{"module", "class_name", "config", ...}`)."""
    return _serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A layer instance from a config made by `serialize`."""
    return _deserialize_keras_object(config, custom_objects=custom_objects)
