// Per-op types generated from ops.def: OpTraits<OpId::x>::Attrs (the attribute struct the op
// records) and ::Kernel (its kernel function type), and OpAttrs, the std::variant of every
// attribute struct some row names (each once; NoAttrs first) that a tape node stores.
//
// This is the one header that sees every family's declarations (they are small: kernel
// signatures, attribute structs and op functions); a family header never includes it.
#pragma once

#include <cstddef>
#include <type_traits>
#include <variant>

#include "ops/attention/attention.h"
#include "ops/conv/conv.h"
#include "ops/conv/depthwise_conv.h"
#include "ops/creation/creation.h"
#include "ops/elementwise/elementwise.h"
#include "ops/index/index.h"
#include "ops/matmul/matmul.h"
#include "ops/norm/norm.h"
#include "ops/op_table.h"
#include "ops/optim/optim.h"
#include "ops/pool/pool.h"
#include "ops/random/random.h"
#include "ops/reduce/reduce.h"
#include "ops/rnn/rnn.h"
#include "ops/shape/shape.h"

namespace kn {

template <OpId op>
struct OpTraits;

#define KN_OP(name, family, kind, attrs, kernel) \
  template <>                                    \
  struct OpTraits<OpId::name> {                  \
    using Attrs = attrs;                         \
    using Kernel = kernel;                       \
  };
#include "ops/ops.def"
#undef KN_OP

template <OpId op>
using AttrsOf = typename OpTraits<op>::Attrs;
template <OpId op>
using KernelOf = typename OpTraits<op>::Kernel;

namespace detail {

template <class... Ts>
struct TypeList {};

template <class List, class T>
struct AddUnique;
template <class... Ts, class T>
struct AddUnique<TypeList<Ts...>, T> {
  using type =
      std::conditional_t<(std::is_same_v<T, Ts> || ...), TypeList<Ts...>, TypeList<Ts..., T>>;
};

template <class List, class... Ts>
struct Unique {
  using type = List;
};
template <class List, class T, class... Ts>
struct Unique<List, T, Ts...> : Unique<typename AddUnique<List, T>::type, Ts...> {};

template <class List>
struct VariantOf;
template <class... Ts>
struct VariantOf<TypeList<Ts...>> {
  using type = std::variant<Ts...>;
};

template <class T, class... Ts>
constexpr size_t index_in(std::variant<Ts...>*) {
  constexpr bool same[] = {std::is_same_v<T, Ts>...};
  for (size_t i = 0; i < sizeof...(Ts); ++i) {
    if (same[i]) return i;
  }
  return sizeof...(Ts);
}

}  // namespace detail

// Every attribute struct named in ops.def, once each.
using OpAttrs = typename detail::VariantOf<typename detail::Unique<detail::TypeList<NoAttrs>,
#define KN_OP(name, family, kind, attrs, kernel) attrs,
#include "ops/ops.def"
#undef KN_OP
                                                                   NoAttrs>::type>::type;

// The index in OpAttrs of the struct each op records (record() checks it).
inline constexpr size_t kOpAttrsIndex[] = {
#define KN_OP(name, family, kind, attrs, kernel) \
  detail::index_in<attrs>(static_cast<OpAttrs*>(nullptr)),
#include "ops/ops.def"
#undef KN_OP
};

}  // namespace kn
