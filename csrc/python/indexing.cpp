// Tensor.__getitem__ with numpy semantics: ints, slices, None, Ellipsis, integer arrays and
// boolean masks. Two steps: parse_index turns the Python index into a plan (one item per input
// axis consumed or new axis made, bounds checked, masks turned into integer indices);
// apply_index runs the plan with engine ops: basic items become one strided view (ops::slice +
// reshape), advanced items a gather (ops::take) over the axes they index, placed where numpy
// places them. Only parse_index touches Python objects.
#include "python/indexing.h"

#include <algorithm>

#include "core/errors.h"
#include "ops/ops.h"

namespace kn {
namespace {

// NewAxisAdvanced: a 0-d boolean index (numpy: a new axis of length 1 for True, 0 for False,
// selected like an advanced index).
enum class ItemKind { Int, Slice, NewAxis, Advanced, NewAxisAdvanced };

struct Item {
  ItemKind kind;
  int64_t start = 0, stop = 0, step = 1;  // Slice; Int uses start
  Tensor index;                           // Advanced, NewAxisAdvanced: int64 index tensor
};
using IndexPlan = std::vector<Item>;

bool is_bool_array(const Tensor& t) { return t.dtype() == DType::bool_; }

// An int-like item: a slice, or a Python integer (or __index__ object) that is not a bool,
// tensor or array.
bool is_slice_or_int(py::handle it) {
  if (PySlice_Check(it.ptr())) return true;
  if (PyBool_Check(it.ptr())) return false;
  return PyLong_Check(it.ptr()) || (py::hasattr(it, "__index__") && !py::isinstance<Tensor>(it) &&
                                    !py::isinstance<py::array>(it));
}

// The items of an index, with each array item converted to a tensor (undefined for the others),
// and the number of input axes the items consume (a boolean mask consumes its rank).
struct RawIndex {
  std::vector<py::object> items;
  std::vector<Tensor> arrays;
  int consumed = 0;
};

RawIndex read_items(const Tensor& x, py::handle index_obj) {
  py::tuple items = py::isinstance<py::tuple>(index_obj)
                        ? py::reinterpret_borrow<py::tuple>(index_obj)
                        : py::make_tuple(index_obj);
  RawIndex r;
  r.arrays.resize(items.size());
  int ellipses = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    py::handle it = items[i];
    r.items.push_back(py::reinterpret_borrow<py::object>(it));
    if (it.is_none()) continue;
    if (it.ptr() == Py_Ellipsis) {
      ++ellipses;
      continue;
    }
    if (is_slice_or_int(it)) {
      ++r.consumed;
      continue;
    }
    const Tensor& arr = r.arrays[i] = to_tensor(it);
    if (arr.ndim() == 0 && is_integral(arr.dtype())) {
      ++r.consumed;  // a 0-d integer tensor indexes like an int
      continue;
    }
    KN_CHECK_TYPE(is_integral(arr.dtype()) || is_bool_array(arr),
                  "Tensor indices must be integers, slices, None, Ellipsis, or integer/boolean "
                  "arrays; got an array of dtype ",
                  dtype_name(arr.dtype()));
    r.consumed += is_bool_array(arr) ? arr.ndim() : 1;
  }
  KN_CHECK_INDEX(ellipses <= 1, "An index can only have a single ellipsis ('...')");
  KN_CHECK_INDEX(r.consumed <= x.ndim(), "Too many indices for a tensor of rank ", x.ndim(),
                 " (shape ", x.shape(), ")");
  return r;
}

// A k-d boolean mask over axes [axis, axis + k): its nonzero coordinates as k integer indices.
void add_mask_items(const Tensor& x, const Tensor& mask, int axis, IndexPlan& plan) {
  for (int d = 0; d < mask.ndim(); ++d) {
    KN_CHECK_INDEX(mask.shape()[d] == x.shape()[axis + d], "Boolean index of shape ", mask.shape(),
                   " does not match the indexed tensor of shape ", x.shape(), " at axis ",
                   axis + d);
  }
  const Tensor nz = ops::nonzero(mask);
  for (int d = 0; d < mask.ndim(); ++d) {
    Dims starts{0, d}, stops{nz.shape()[0], d + 1}, steps{1, 1};
    Item item{ItemKind::Advanced};
    item.index = ops::reshape(ops::slice(nz, starts, stops, steps), Shape{nz.shape()[0]});
    plan.push_back(item);
  }
}

// An integer array indexing an axis of size n: bounds checked, negative indices wrapped.
Item array_item(const Tensor& arr, int axis, int64_t n) {
  Tensor idx = ops::cast(arr, DType::int64);
  // Bounds and negative indices, per axis (the flattened gather cannot tell them apart).
  const Tensor low = ops::less(idx, ops::scalar_like(double(-n), idx));
  const Tensor high = ops::greater_equal(idx, ops::scalar_like(double(n), idx));
  KN_CHECK_INDEX(!ops::any(ops::logical_or(low, high)).item(), "Index out of bounds for axis ",
                 axis, " with size ", n);
  Item item{ItemKind::Advanced};
  item.index = ops::where(ops::less(idx, ops::scalar_like(0, idx)), ops::add(idx, double(n)), idx);
  return item;
}

// numpy: next to an advanced index, an integer is an advanced (0-d) index too, which matters for
// where the advanced axes go (x[0, :, [1, 2]] has shape (2, x.shape[1], ...)).
void promote_ints_next_to_advanced(const Tensor& x, IndexPlan& plan) {
  const bool any_advanced = std::any_of(plan.begin(), plan.end(), [](const Item& it) {
    return it.kind == ItemKind::Advanced || it.kind == ItemKind::NewAxisAdvanced;
  });
  if (!any_advanced) return;
  for (Item& it : plan) {
    if (it.kind != ItemKind::Int) continue;
    it.kind = ItemKind::Advanced;
    it.index = ops::full(Shape{}, double(it.start), DType::int64, x.device());
  }
}

// The Python index resolved against the axes of x: one item per new axis or consumed input axis,
// every input axis covered (the trailing ones by full slices).
IndexPlan parse_index(const Tensor& x, py::handle index_obj) {
  const RawIndex raw = read_items(x, index_obj);
  IndexPlan plan;
  int axis = 0;
  for (size_t i = 0; i < raw.items.size(); ++i) {
    py::handle it = raw.items[i];
    if (it.is_none()) {
      plan.push_back({ItemKind::NewAxis});
      continue;
    }
    if (it.ptr() == Py_Ellipsis) {
      for (int k = 0; k < x.ndim() - raw.consumed; ++k, ++axis) {
        plan.push_back({ItemKind::Slice, 0, x.shape()[axis], 1});
      }
      continue;
    }
    const int64_t n = x.shape()[axis];
    if (PySlice_Check(it.ptr())) {
      Py_ssize_t start, stop, step, len;
      if (PySlice_GetIndicesEx(it.ptr(), n, &start, &stop, &step, &len) < 0) {
        throw py::error_already_set();
      }
      plan.push_back({ItemKind::Slice, start, stop, step});
      ++axis;
      continue;
    }
    const Tensor& arr = raw.arrays[i];
    if (!arr.defined() || (arr.ndim() == 0 && is_integral(arr.dtype()))) {
      int64_t v = arr.defined() ? int64_t(ops::cast(arr, DType::int64).item()) : it.cast<int64_t>();
      KN_CHECK_INDEX(v >= -n && v < n, "Index ", v, " is out of bounds for axis ", axis,
                     " with size ", n);
      if (v < 0) v += n;
      plan.push_back({ItemKind::Int, v, v + 1, 1});
      ++axis;
    } else if (is_bool_array(arr) && arr.ndim() == 0) {
      const Tensor nz = ops::nonzero(ops::reshape(arr, Shape{1}));
      Item item{ItemKind::NewAxisAdvanced};
      item.index = ops::reshape(nz, Shape{nz.shape()[0]});
      plan.push_back(item);
    } else if (is_bool_array(arr)) {
      add_mask_items(x, arr, axis, plan);
      axis += arr.ndim();
    } else {
      plan.push_back(array_item(arr, axis, n));
      ++axis;
    }
  }
  for (; axis < x.ndim(); ++axis) plan.push_back({ItemKind::Slice, 0, x.shape()[axis], 1});
  promote_ints_next_to_advanced(x, plan);
  return plan;
}

// The basic part of a plan: one strided view over every input axis (advanced axes whole), with
// ints dropped and new axes inserted. adv_axes / adv_index: the result axes that advanced items
// select along, and their indices.
Tensor apply_basic(const Tensor& x, const IndexPlan& plan, std::vector<int>& adv_axes,
                   std::vector<Tensor>& adv_index) {
  Dims starts, stops, steps;
  for (const Item& it : plan) {
    if (it.kind == ItemKind::NewAxis || it.kind == ItemKind::NewAxisAdvanced) continue;
    const bool whole = it.kind == ItemKind::Advanced;
    starts.push_back(whole ? 0 : it.start);
    stops.push_back(whole ? x.shape()[starts.size() - 1] : it.stop);
    steps.push_back(whole ? 1 : it.step);
  }
  const Tensor view = ops::slice(x, starts, stops, steps);
  Shape shape;
  int in_axis = 0;
  for (const Item& it : plan) {
    switch (it.kind) {
      case ItemKind::NewAxis: shape.push_back(1); break;
      case ItemKind::NewAxisAdvanced:
        adv_axes.push_back(int(shape.size()));
        adv_index.push_back(it.index);
        shape.push_back(1);
        break;
      case ItemKind::Int: ++in_axis; break;
      case ItemKind::Slice: shape.push_back(view.shape()[in_axis++]); break;
      case ItemKind::Advanced:
        adv_axes.push_back(int(shape.size()));
        adv_index.push_back(it.index);
        shape.push_back(view.shape()[in_axis++]);
        break;
    }
  }
  return ops::reshape(view, shape);
}

// The advanced part: non-adjacent advanced axes go to the front (numpy's rule), then the run of
// advanced axes is flattened and gathered with one broadcast, flattened index.
Tensor apply_advanced(Tensor out, std::vector<int> adv_axes, const std::vector<Tensor>& adv_index) {
  bool adjacent = true;
  for (size_t i = 1; i < adv_axes.size(); ++i) {
    adjacent = adjacent && adv_axes[i] == adv_axes[i - 1] + 1;
  }
  if (!adjacent) {
    Dims perm;
    for (int a : adv_axes) perm.push_back(a);
    for (int a = 0; a < out.ndim(); ++a) {
      if (std::find(adv_axes.begin(), adv_axes.end(), a) == adv_axes.end()) perm.push_back(a);
    }
    out = ops::transpose(out, perm);
    for (size_t i = 0; i < adv_axes.size(); ++i) adv_axes[i] = int(i);
  }
  const int first = adv_axes[0], count = int(adv_axes.size());
  Shape bshape;
  for (const Tensor& t : adv_index) bshape = broadcast_shapes(bshape, t.shape(), "index");
  Tensor flat;
  for (int i = 0; i < count; ++i) {
    const Tensor part = ops::broadcast_to(adv_index[i], bshape);
    flat =
        flat.defined() ? ops::add(ops::multiply(flat, double(out.shape()[first + i])), part) : part;
  }
  Shape merged;
  for (int a = 0; a < first; ++a) merged.push_back(out.shape()[a]);
  int64_t run = 1;
  for (int i = 0; i < count; ++i) run *= out.shape()[first + i];
  merged.push_back(run);
  for (int a = first + count; a < out.ndim(); ++a) merged.push_back(out.shape()[a]);
  return ops::take(ops::reshape(out, merged), flat, first);
}

Tensor apply_index(const Tensor& x, const IndexPlan& plan) {
  std::vector<int> adv_axes;
  std::vector<Tensor> adv_index;
  Tensor out = apply_basic(x, plan, adv_axes, adv_index);
  if (adv_axes.empty()) return out;
  return apply_advanced(std::move(out), std::move(adv_axes), adv_index);
}

}  // namespace

Tensor getitem(const Tensor& x, py::handle index) { return apply_index(x, parse_index(x, index)); }

}  // namespace kn
