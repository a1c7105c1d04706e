// Tensor.__getitem__ with numpy semantics: ints, slices, None, Ellipsis, integer arrays and
// boolean masks. Basic indices become one strided view (ops::slice + reshape); advanced indices
// become a gather (ops::take) over the axes they index, placed where numpy places them.
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
  Tensor index;                            // Advanced: int64 index tensor
};

bool is_bool_array(const Tensor& t) { return t.dtype() == DType::bool_; }

}  // namespace

Tensor getitem(const Tensor& x, py::handle index_obj) {
  py::tuple items = py::isinstance<py::tuple>(index_obj) ? py::reinterpret_borrow<py::tuple>(index_obj)
                                                        : py::make_tuple(index_obj);
  // Count the axes consumed by the items (a boolean mask consumes its rank).
  int consumed = 0, ellipses = 0;
  std::vector<py::object> raw;
  std::vector<Tensor> arrays(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    py::handle it = items[i];
    raw.push_back(py::reinterpret_borrow<py::object>(it));
    if (it.is_none()) continue;
    if (it.ptr() == Py_Ellipsis) { ++ellipses; continue; }
    if (PySlice_Check(it.ptr()) || (!PyBool_Check(it.ptr()) && (PyLong_Check(it.ptr()) || (py::hasattr(it, "__index__") && !py::isinstance<Tensor>(it) && !py::isinstance<py::array>(it))))) {
      ++consumed;
      continue;
    }
    arrays[i] = to_tensor(it);
    if (arrays[i].ndim() == 0 && is_integral(arrays[i].dtype())) {
      ++consumed;  // a 0-d integer tensor indexes like an int
      continue;
    }
    KN_CHECK_TYPE(is_integral(arrays[i].dtype()) || is_bool_array(arrays[i]),
                  "Tensor indices must be integers, slices, None, Ellipsis, or integer/boolean arrays; got an "
                  "array of dtype ", dtype_name(arrays[i].dtype()));
    consumed += is_bool_array(arrays[i]) ? arrays[i].ndim() : 1;
  }
  KN_CHECK_INDEX(ellipses <= 1, "An index can only have a single ellipsis ('...')");
  KN_CHECK_INDEX(consumed <= x.ndim(), "Too many indices for a tensor of rank ", x.ndim(), " (shape ", x.shape(),
                 ")");

  // Resolve each item against the input axes.
  std::vector<Item> plan;
  int axis = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    py::handle it = raw[i];
    if (it.is_none()) { plan.push_back({ItemKind::NewAxis}); continue; }
    if (it.ptr() == Py_Ellipsis) {
      for (int k = 0; k < x.ndim() - consumed; ++k) plan.push_back({ItemKind::Slice, 0, x.shape()[axis + k], 1});
      axis += x.ndim() - consumed;
      continue;
    }
    const int64_t n = x.shape()[axis];
    if (PySlice_Check(it.ptr())) {
      Py_ssize_t start, stop, step, len;
      if (PySlice_GetIndicesEx(it.ptr(), n, &start, &stop, &step, &len) < 0) throw py::error_already_set();
      plan.push_back({ItemKind::Slice, start, stop, step});
      ++axis;
      continue;
    }
    const Tensor& arr = arrays[i];
    if (!arr.defined() || (arr.ndim() == 0 && is_integral(arr.dtype()))) {
      int64_t v = arr.defined() ? int64_t(ops::cast(arr, DType::int64).item()) : it.cast<int64_t>();
      KN_CHECK_INDEX(v >= -n && v < n, "Index ", v, " is out of bounds for axis ", axis, " with size ", n);
      if (v < 0) v += n;
      plan.push_back({ItemKind::Int, v, v + 1, 1});
      ++axis;
      continue;
    }
    if (is_bool_array(arr) && arr.ndim() == 0) {
      const Tensor nz = ops::nonzero(ops::reshape(arr, Shape{1}));
      Item item{ItemKind::NewAxisAdvanced};
      item.index = ops::reshape(nz, Shape{nz.shape()[0]});
      plan.push_back(item);
      continue;
    }
    if (is_bool_array(arr)) {
      // A k-d mask over axes [axis, axis+k): its nonzero coordinates are k integer indices.
      const int k = std::max(1, arr.ndim());
      for (int d = 0; d < arr.ndim(); ++d) {
        KN_CHECK_INDEX(arr.shape()[d] == x.shape()[axis + d], "Boolean index of shape ", arr.shape(),
                       " does not match the indexed tensor of shape ", x.shape(), " at axis ", axis + d);
      }
      const Tensor nz = ops::nonzero(arr.ndim() == 0 ? ops::reshape(arr, Shape{1}) : arr);
      for (int d = 0; d < k; ++d) {
        Dims starts{0, d}, stops{nz.shape()[0], d + 1}, steps{1, 1};
        Item item{ItemKind::Advanced};
        item.index = ops::reshape(ops::slice(nz, starts, stops, steps), Shape{nz.shape()[0]});
        plan.push_back(item);
      }
      axis += k;
      continue;
    }
    Tensor idx = ops::cast(arr, DType::int64);
    // Bounds and negative indices, per axis (the flattened gather below cannot tell them apart).
    KN_CHECK_INDEX(!ops::any(ops::logical_or(ops::less(idx, ops::scalar_like(double(-n), idx)),
                                             ops::greater_equal(idx, ops::scalar_like(double(n), idx)))).item(),
                   "Index out of bounds for axis ", axis, " with size ", n);
    idx = ops::where(ops::less(idx, ops::scalar_like(0, idx)), ops::add(idx, double(n)), idx);
    Item item{ItemKind::Advanced};
    item.index = idx;
    plan.push_back(item);
    ++axis;
  }
  for (; axis < x.ndim(); ++axis) plan.push_back({ItemKind::Slice, 0, x.shape()[axis], 1});
  // numpy: next to an advanced index, an integer is an advanced (0-d) index too, which matters for
  // where the advanced axes go (x[0, :, [1, 2]] has shape (2, x.shape[1], ...)).
  const bool any_advanced = std::any_of(plan.begin(), plan.end(), [](const Item& it) {
    return it.kind == ItemKind::Advanced || it.kind == ItemKind::NewAxisAdvanced;
  });
  if (any_advanced) {
    for (Item& it : plan) {
      if (it.kind != ItemKind::Int) continue;
      it.kind = ItemKind::Advanced;
      it.index = ops::full(Shape{}, double(it.start), DType::int64, x.device());
    }
  }

  // Basic part: one strided view over every input axis.
  Dims starts, stops, steps;
  for (const Item& it : plan) {
    if (it.kind == ItemKind::NewAxis || it.kind == ItemKind::NewAxisAdvanced) continue;
    if (it.kind == ItemKind::Advanced) {
      starts.push_back(0);
      stops.push_back(x.shape()[starts.size() - 1]);
      steps.push_back(1);
    } else {
      starts.push_back(it.start);
      stops.push_back(it.stop);
      steps.push_back(it.step);
    }
  }
  Tensor view = ops::slice(x, starts, stops, steps);
  // Result axes of the view: drop ints, insert new axes; remember where advanced axes are.
  Shape shape;
  std::vector<int> adv_axes;
  std::vector<Tensor> adv_index;
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
  Tensor out = ops::reshape(view, shape);
  if (adv_axes.empty()) return out;

  // Advanced part. Non-adjacent advanced axes go to the front (numpy's rule), then the run of
  // advanced axes is flattened and gathered with one broadcast, flattened index.
  bool adjacent = true;
  for (size_t i = 1; i < adv_axes.size(); ++i) adjacent = adjacent && adv_axes[i] == adv_axes[i - 1] + 1;
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
    flat = flat.defined() ? ops::add(ops::multiply(flat, double(out.shape()[first + i])), part) : part;
  }
  Shape merged;
  for (int a = 0; a < first; ++a) merged.push_back(out.shape()[a]);
  int64_t run = 1;
  for (int i = 0; i < count; ++i) run *= out.shape()[first + i];
  merged.push_back(run);
  for (int a = first + count; a < out.ndim(); ++a) merged.push_back(out.shape()[a]);
  return ops::take(ops::reshape(out, merged), flat, first);
}

}  // namespace kn
