"""Fused optimizer updates: one engine call updates every variable of a step in place.

    <name>_update(variables, grads, slots, hyper, step)

`slots[i]` are variable i's slot variables in the optimizer's order, `hyper` the
optimizer's float hyperparameters in the order its `_hyper` lists them, `step`
the 1-based update count. Keras has no such ops: kerasnet.optimizers calls them
(each Optimizer names its op in `_update_op`); this module is not part of
`kerasnet.ops`.
"""

from kerasnet import _C

sgd_update = _C.sgd_update
adam_update = _C.adam_update
rmsprop_update = _C.rmsprop_update
adagrad_update = _C.adagrad_update
adadelta_update = _C.adadelta_update
adamax_update = _C.adamax_update
nadam_update = _C.nadam_update
lion_update = _C.lion_update
