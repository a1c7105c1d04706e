"""The op database: one entry per engine op (`kerasnet._C.op_names()`).

Each `OpEntry` names the callable under test (the Keras face in `kerasnet.ops`
/ `kerasnet.random`, or `kerasnet._C` for engine-internal ops), a sample
generator, a numpy reference (or, for random ops, a checker), the expected
result dtype, tolerances, and how the op is differentiated. The generic tests
(test_ops.py, ../autograd/test_gradcheck.py) run every entry; nothing here
asserts anything.

A sample's tensor arguments are `Arg`s: a numpy value (what the reference
sees) plus a layout saying how the test builds the kerasnet input:
  "contiguous"  converted with convert_to_tensor
  "transposed"  a transpose view of a copy laid out the other way
  "sliced"      every other element of a tensor twice as long (a strided view)
  "flipped"     a negative-stride view (flip of a flipped copy)
  "broadcast"   a stride-0 view (broadcast_to of the first row)
  "numpy"       the numpy array itself, passed to the op
  "list"        a nested Python list
Layouts are written with engine ops, so they are differentiable and the
gradient checks go through them too. Python scalars in a sample are passed
as they are (Keras' weak types).

Layout: core.py holds Arg, Sample, OpEntry, the Keras dtype rules and the
sample generators; each family module (creation.py, elementwise.py, ...)
registers its ops with `_add(OpEntry(...))`. A new engine op needs an entry
in its family's module: test_ops.py and ../autograd/test_gradcheck.py fail,
naming it, until it has one (with gradient samples when it is differentiable).
"""

# One module per op family (the families of csrc/ops/ops.def) registers its entries.
from op_db import (  # noqa: F401
    attention,
    conv,
    creation,
    elementwise,
    index,
    matmul,
    norm,
    optim,
    pool,
    random,
    reduce,
    rnn,
    shape,
)
from op_db.core import (  # noqa: F401
    ALL,
    FLOATS,
    INTS,
    NUMERIC,
    OP_DB,
    Arg,
    OpEntry,
    Sample,
    _flatten,
    _map,
    promote,
)
