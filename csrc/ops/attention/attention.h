// attention: softmax(Q K^T * scale + bias, masked) V for all heads at once, in Keras 3's layout of
// ops.dot_product_attention, without the [B, N, T, S] score matrix (Note [Attention tiles] in
// attention_cpu.cpp); attention_backward: its gradient kernel, run by the gradient rule.
//
// Shape glossary: B batch, T query length, S key length, N query heads, K key/value heads (K
// divides N: query head n reads key/value head n / (N / K), grouped-query attention), H head
// dim of queries and keys, Hv head dim of values.
//   q [B, T, N, H]   k [B, S, K, H]   v [B, S, K, Hv]   -> out [B, T, N, Hv]
//   bias: float, broadcastable to [B, N, T, S], added to the scaled scores
//   mask: bool, broadcastable to [B, N, T, S], True = attend; causal: key s <= query t
// A masked score is Keras' large negative (-0.7 * the dtype's max), not -inf, so a row whose
// every key is masked attends uniformly to all keys, as in Keras.
#pragma once

#include <cstdint>

#include "core/tensor.h"

namespace kn {

// Dropout on the attention probabilities (rate > 0): element (b, n, t, s) is kept when the
// counter-based draw (seed, offset + its counter, attention_dropout_counters) is >= rate, and
// kept ones are scaled by 1 / (1 - rate); backward draws the same mask again.
struct AttentionDropout {
  double rate = 0.0;
  uint64_t seed = 0;
  uint64_t offset = 0;
};

struct AttentionAttrs {
  double scale = 1.0;
  bool causal = false;
  bool has_bias = false;
  bool has_mask = false;
  AttentionDropout dropout;
};

// Counters a dropout draw consumes: one Philox block (4 draws) per 4 keys of each score row.
inline uint64_t attention_dropout_counters(int64_t B, int64_t N, int64_t T, int64_t S) {
  return uint64_t(B) * uint64_t(N) * uint64_t(T) * uint64_t((S + 3) / 4);
}

struct AttentionArgs {
  int64_t B, T, S, N, K, H, Hv;
  const void* q;
  const void* k;
  const void* v;
  const void* bias;  // element strides over [B, N, T, S] (0 on broadcast axes), or null
  int64_t bias_strides[4];
  const bool* mask;  // likewise
  int64_t mask_strides[4];
  double scale;
  bool causal;
  AttentionDropout dropout;
  void* out;  // [B, T, N, Hv]
  void* lse;  // [B, N, T] log-sum-exp of each row's scores (saved for backward)
  DType dtype;
};

struct AttentionBackwardArgs {
  AttentionArgs fwd;  // the forward's inputs, out and lse (read only)
  const void* dout;   // [B, T, N, Hv]
  void* dq;           // [B, T, N, H]
  void* dk;           // [B, S, K, H]
  void* dv;           // [B, S, K, Hv]
  void* dscores;      // [B, N, T, S] the gradient of the biased scores, or null (bias needs none)
};

using AttentionKernelFn = void (*)(const AttentionArgs& args);
using AttentionBackwardKernelFn = void (*)(const AttentionBackwardArgs& args);

namespace ops {

// `bias` and `mask` may be undefined.
Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& bias,
                 const Tensor& mask, double scale, bool causal,
                 const AttentionDropout& dropout = AttentionDropout{});

}  // namespace ops
}  // namespace kn
