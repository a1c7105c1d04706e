// CPU kernels of the fused optimizer updates (compiled once per ISA level). Chunks of variables
// are handed out dynamically over the threads; each chunk's loop is plain arithmetic the compiler
// vectorises. The formulas are Keras 3's (see optim.h).
#include <cmath>

#include "core/parallel.h"
#include "ops/op_registry.h"
#include "ops/optim/optim.h"

namespace kn {
namespace KN_ISA_NS {
namespace {

template <class T, class F>
void for_chunks(const OptimArgs& a, const F& f) {
  // Small models update on one thread: a parallel region costs more than the work.
  int64_t total = 0;
  for (int64_t c = 0; c < a.nchunks; ++c) total += a.chunks[c].n;
  const int64_t chunk = total < (int64_t(1) << 16) ? a.nchunks : 1;
  parallel_for_dynamic(0, a.nchunks, chunk, [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c) {
      const OptimChunk& ch = a.chunks[c];
      T* var = std::is_same<T, float>::value ? reinterpret_cast<T*>(ch.var32)
                                             : reinterpret_cast<T*>(ch.var64);
      f(var, static_cast<const T*>(ch.grad), static_cast<T*>(ch.slots[0]),
        static_cast<T*>(ch.slots[1]), static_cast<T*>(ch.slots[2]), ch.n);
    }
  });
}

template <class T>
void sgd(const OptimArgs& a) {
  const T lr = T(a.h[0]), mom = T(a.h[1]);
  const bool nesterov = a.h[2] != 0;
  for_chunks<T>(a, [&](T* w, const T* g, T* m, T*, T*, int64_t n) {
    if (mom == T(0)) {
      for (int64_t i = 0; i < n; ++i) w[i] -= lr * g[i];
    } else if (nesterov) {
      for (int64_t i = 0; i < n; ++i) {
        m[i] = m[i] * mom - g[i] * lr;
        w[i] += m[i] * mom - g[i] * lr;
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        m[i] = m[i] * mom - g[i] * lr;
        w[i] += m[i];
      }
    }
  });
}

template <class T>
void adam(const OptimArgs& a) {
  const double t = double(a.step);
  const T b1 = T(a.h[1]), b2 = T(a.h[2]), eps = T(a.h[3]);
  const bool amsgrad = a.h[4] != 0;
  const T alpha = T(a.h[0] * std::sqrt(1.0 - std::pow(a.h[2], t)) / (1.0 - std::pow(a.h[1], t)));
  for_chunks<T>(a, [&](T* w, const T* g, T* m, T* v, T* vh, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      m[i] += (g[i] - m[i]) * (T(1) - b1);
      v[i] += (g[i] * g[i] - v[i]) * (T(1) - b2);
      T vv = v[i];
      if (amsgrad) {
        vh[i] = vh[i] > vv ? vh[i] : vv;
        vv = vh[i];
      }
      w[i] -= (m[i] * alpha) / (std::sqrt(vv) + eps);
    }
  });
}

template <class T>
void rmsprop(const OptimArgs& a) {
  const T lr = T(a.h[0]), rho = T(a.h[1]), mom = T(a.h[2]), eps = T(a.h[3]);
  const bool centered = a.h[4] != 0;
  for_chunks<T>(a, [&](T* w, const T* g, T* vel, T* m, T* avg, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      vel[i] = rho * vel[i] + (T(1) - rho) * g[i] * g[i];
      T denom = vel[i];
      if (centered) {
        avg[i] = rho * avg[i] + (T(1) - rho) * g[i];
        denom = vel[i] - avg[i] * avg[i];
      }
      const T inc = lr * g[i] / std::sqrt(denom + eps);
      if (mom > T(0)) {
        m[i] = mom * m[i] + inc;
        w[i] -= m[i];
      } else {
        w[i] -= inc;
      }
    }
  });
}

template <class T>
void adagrad(const OptimArgs& a) {
  const T lr = T(a.h[0]), eps = T(a.h[1]);
  for_chunks<T>(a, [&](T* w, const T* g, T* acc, T*, T*, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      acc[i] += g[i] * g[i];
      w[i] -= lr * g[i] / std::sqrt(acc[i] + eps);
    }
  });
}

template <class T>
void adadelta(const OptimArgs& a) {
  const T lr = T(a.h[0]), rho = T(a.h[1]), eps = T(a.h[2]);
  for_chunks<T>(a, [&](T* w, const T* g, T* ag, T* ad, T*, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      ag[i] = rho * ag[i] + (T(1) - rho) * g[i] * g[i];
      const T delta = -std::sqrt(ad[i] + eps) / std::sqrt(ag[i] + eps) * g[i];
      ad[i] = rho * ad[i] + (T(1) - rho) * delta * delta;
      w[i] += lr * delta;
    }
  });
}

template <class T>
void adamax(const OptimArgs& a) {
  const T lr = T(a.h[0]), b1 = T(a.h[1]), b2 = T(a.h[2]), eps = T(a.h[3]);
  const T b1_power = T(std::pow(a.h[1], double(a.step)));
  for_chunks<T>(a, [&](T* w, const T* g, T* m, T* u, T*, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      m[i] += (g[i] - m[i]) * (T(1) - b1);
      const T ag = std::fabs(g[i]);
      const T bu = b2 * u[i];
      u[i] = bu > ag ? bu : ag;
      w[i] -= lr * m[i] / ((T(1) - b1_power) * (u[i] + eps));
    }
  });
}

template <class T>
void nadam(const OptimArgs& a) {
  const T lr = T(a.h[0]), b1 = T(a.h[1]), b2 = T(a.h[2]), eps = T(a.h[3]);
  const T u_t = T(a.h[4]), u_t1 = T(a.h[5]), up_t = T(a.h[6]), up_t1 = T(a.h[7]);
  const T b2_power = T(std::pow(a.h[2], double(a.step)));
  for_chunks<T>(a, [&](T* w, const T* g, T* m, T* v, T*, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      m[i] += (g[i] - m[i]) * (T(1) - b1);
      v[i] += (g[i] * g[i] - v[i]) * (T(1) - b2);
      const T m_hat = u_t1 * m[i] / (T(1) - up_t1) + (T(1) - u_t) * g[i] / (T(1) - up_t);
      const T v_hat = v[i] / (T(1) - b2_power);
      w[i] -= (m_hat * lr) / (std::sqrt(v_hat) + eps);
    }
  });
}

template <class T>
void lion(const OptimArgs& a) {
  const T lr = T(a.h[0]), b1 = T(a.h[1]), b2 = T(a.h[2]);
  for_chunks<T>(a, [&](T* w, const T* g, T* m, T*, T*, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      const T c = m[i] * b1 + g[i] * (T(1) - b1);
      w[i] -= lr * T((c > T(0)) - (c < T(0)));
      m[i] = m[i] * b2 + g[i] * (T(1) - b2);
    }
  });
}

#define KN_OPTIM_KERNEL(fn)                       \
  void fn##_kernel(const OptimArgs& a) {          \
    if (a.dtype == DType::float64) fn<double>(a); \
    else fn<float>(a);                            \
  }
KN_OPTIM_KERNEL(sgd)
KN_OPTIM_KERNEL(adam)
KN_OPTIM_KERNEL(rmsprop)
KN_OPTIM_KERNEL(adagrad)
KN_OPTIM_KERNEL(adadelta)
KN_OPTIM_KERNEL(adamax)
KN_OPTIM_KERNEL(nadam)
KN_OPTIM_KERNEL(lion)
#undef KN_OPTIM_KERNEL

KN_REGISTER_CPU_KERNEL(sgd_update, sgd_kernel);
KN_REGISTER_CPU_KERNEL(adam_update, adam_kernel);
KN_REGISTER_CPU_KERNEL(rmsprop_update, rmsprop_kernel);
KN_REGISTER_CPU_KERNEL(adagrad_update, adagrad_kernel);
KN_REGISTER_CPU_KERNEL(adadelta_update, adadelta_kernel);
KN_REGISTER_CPU_KERNEL(adamax_update, adamax_kernel);
KN_REGISTER_CPU_KERNEL(nadam_update, nadam_kernel);
KN_REGISTER_CPU_KERNEL(lion_update, lion_kernel);

}  // namespace
}  // namespace KN_ISA_NS
}  // namespace kn
