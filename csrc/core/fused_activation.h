// The activation that a fused GEMM or convolution epilogue applies after its bias (Dense and Conv
// layers). The one enum for it: the GEMM (cpu/gemm.h), the ops matmul_bias_act and conv_bias_act,
// and Python (`_C.FusedActivation`, its values named as Keras names the activation functions;
// kerasnet/ops/fused_activation.py maps those functions to it). Any other activation runs as an op
// of its own after the product.
#pragma once

namespace kn {

enum class FusedActivation : int { Linear = 0, Relu = 1 };

}  // namespace kn
