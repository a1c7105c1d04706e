"""matmul: batched, broadcast batch axes, vector operands, blocked-kernel tails."""

import numpy as np
from kerasnet import _C, ops

from op_db.core import (
    NUMERIC,
    Arg,
    C,
    OpEntry,
    Sample,
    _add,
    promote,
    rule_float,
    rand,
    reference,
)

LINEAR, RELU = _C.FusedActivation.linear, _C.FusedActivation.relu


# ---------------------------------------------------------------------------------------------
# matmul and norm
# ---------------------------------------------------------------------------------------------
def _matmul_samples(rng):
    out = []
    for dt in NUMERIC:
        out.append(Sample((Arg(rand(rng, (3, 4), dt, 0, 3)), Arg(rand(rng, (4, 5), dt, 0, 3))),
                          {}, dt))
    f = "float32"
    x = lambda shape, layout=C, dt=f: Arg(rand(rng, shape, dt), layout)
    out += [
        Sample((x((4,)), x((4, 5))), {}, "vec-mat"),
        Sample((x((3, 4)), x((4,))), {}, "mat-vec"),
        Sample((x((4,)), x((4,))), {}, "vec-vec"),
        Sample((x((2, 3, 4)), x((4, 5))), {}, "batched-mat"),
        Sample((x((3, 4)), x((2, 4, 5))), {}, "mat-batched"),
        Sample((x((2, 1, 3, 4)), x((5, 4, 2))), {}, "broadcast-batch"),
        Sample((x((2, 3, 4)), x((4,))), {}, "batched-vec"),
        Sample((x((3, 0)), x((0, 5))), {}, "k=0"),
        Sample((x((0, 4)), x((4, 5))), {}, "m=0"),
        Sample((x((4, 3), "transposed"), x((3, 5), "transposed")), {}, "transposed"),
        Sample((x((4, 6), "sliced"), x((6, 5), "flipped")), {}, "sliced-flipped"),
        Sample((x((3, 4), "numpy"), x((4, 2))), {}, "numpy"),
        Sample((x((2, 3), dt="int32"), x((3, 4))), {}, "int32+float32"),
        Sample((x((2, 3), dt="bool"), x((3, 4), dt="bool")), {}, "bool"),
        Sample((x((67, 131)), x((131, 45))), {}, "blocked-tails"),
        Sample((x((33, 70), dt="float64"), x((70, 29), dt="float64")), {}, "f64-tails"),
        Sample((x((8, 17, 9)), x((8, 9, 13), "transposed")), {}, "batched-strided"),
        # Unpacked small products: a full 4-vector column block, then a narrow tail; row tails.
        Sample((x((50, 60)), x((60, 90))), {}, "unpacked-block-and-narrow-tail"),
        Sample((x((7, 30), "transposed"), x((30, 50))), {}, "unpacked-partial-block-transposed-a"),
        # Small products split across threads by rows or by columns (Note [Small parallel GEMM]).
        Sample((x((150, 100)), x((100, 130))), {}, "split-rows"),
        Sample((x((30, 200)), x((200, 301), "transposed")), {}, "split-columns-transposed-b"),
        # Transposed B packed 16 x 16 in registers, with k and column tails.
        Sample((x((40, 37)), x((37, 70), "transposed")), {}, "transposed-b-tails"),
        # The blocked path (over 20 MFLOP): A read in place by full 12-row tiles, a partial A
        # panel packed, a partial B panel; and a leading dimension of 1024 (A packed).
        Sample((x((203, 300)), x((300, 170))), {}, "blocked-a-in-place-tails"),
        Sample((x((212, 300)), x((300, 170))), {}, "blocked-8-row-tail"),  # 212 = 4 * 48 + 12 + 8
        Sample((Arg(np.round(rand(rng, (50, 1024), f))), Arg(np.round(rand(rng, (1024, 250), f)))), {},
               "blocked-lda-1024"),  # whole numbers: exact sums over K = 1024
        # Few rows, B in L2: the unpacked kernel at any size (whole numbers: exact over K = 1024).
        Sample((Arg(np.round(rand(rng, (8, 1024), f))), Arg(np.round(rand(rng, (1024, 520), f)))), {},
               "few-rows-unpacked"),
        # Narrow outputs (N up to two vectors: the unpacked row kernel), with row tails.
        Sample((x((130, 300)), x((300, 10))), {}, "narrow-10"),
        Sample((x((67, 250), "transposed"), x((250, 23))), {}, "narrow-23-transposed-a"),
        Sample((x((45, 200)), x((200, 16))), {}, "narrow-16"),
        Sample((x((3, 70, 150)), x((150, 32))), {}, "narrow-32-batched"),
        # A long K over a small output (a weight gradient): K split across threads. Whole
        # numbers keep every partial sum exact, so the split's summation order cannot matter.
        Sample((Arg(np.round(rand(rng, (50, 8200), f)), "transposed"), Arg(np.round(rand(rng, (8200, 70), f)))),
               {}, "long-k"),
    ]
    return out


def _matmul_dtype(s):  # bool and uint8 accumulate in int32
    d = promote(*s.in_dtypes())
    return "int32" if d in ("bool", "uint8") else d


def _matmul_grad(rng):
    d = "float64"
    x = lambda shape, layout=C: Arg(rand(rng, shape, d), layout)
    return [
        Sample((x((3, 4)), x((4, 5))), {}, "mat"),
        Sample((x((4,)), x((4, 3))), {}, "vec-mat"),
        Sample((x((3, 4)), x((4,))), {}, "mat-vec"),
        Sample((x((4,)), x((4,))), {}, "vec-vec"),
        Sample((x((2, 1, 3, 4)), x((2, 4, 2))), {}, "broadcast-batch"),
        Sample((x((4, 3), "transposed"), x((3, 2), "sliced")), {}, "strided"),
    ]


_add(OpEntry("matmul", ops.matmul, _matmul_samples, reference(np.matmul), _matmul_dtype,
             grad_samples=_matmul_grad, rtol={"float32": 1e-5}, atol={"float32": 1e-4}))


# ---------------------------------------------------------------------------------------------
# matmul_bias_act: activation(x @ w + b), the bias and ReLU fused into the GEMM (Dense layers)
# ---------------------------------------------------------------------------------------------
def _matmul_bias_act_ref(x, w, b=None, activation=LINEAR):
    y = np.matmul(x, w)
    if b is not None:
        y = y + b
    return np.maximum(y, 0) if activation == RELU else y


def _matmul_bias_act_samples(rng):
    out = []
    for dt in ("float32", "float64"):
        a = lambda shape, layout=C, dt=dt: Arg(rand(rng, shape, dt), layout)
        out += [
            Sample((a((5, 7)), a((7, 3)), a((3,)), RELU), {}, f"tiny-relu-{dt}"),
            Sample((a((4,)), a((4, 9)), None, LINEAR), {}, f"vector-no-bias-{dt}"),
        ]
    x = lambda shape, layout=C: Arg(rand(rng, shape, "float32"), layout)
    out += [
        # Each GEMM path applies the epilogue: narrow, unpacked, split, blocked, K-split.
        Sample((x((3, 50, 60)), x((60, 10)), x((10,)), RELU), {}, "narrow-batched"),
        Sample((x((50, 60)), x((60, 90)), x((90,)), RELU), {}, "unpacked"),
        Sample((x((150, 100)), x((100, 130)), x((130,)), RELU), {}, "split-rows"),
        Sample((x((30, 200)), x((200, 301), "transposed"), x((301,)), LINEAR), {}, "split-columns"),
        Sample((x((300, 260)), x((260, 200)), x((200,)), RELU), {}, "blocked"),
        # Whole numbers: every partial sum of the K split is exact.
        Sample((Arg(np.round(rand(rng, (20, 9000), "float32"))), Arg(np.round(rand(rng, (9000, 40), "float32"))),
                x((40,)), RELU), {}, "long-k"),
        Sample((x((0, 6)), x((6, 4)), x((4,)), RELU), {}, "empty-batch"),
        Sample((x((6, 5), "transposed"), x((5, 70)), None, RELU), {}, "strided-inputs-no-bias"),
    ]
    return out


def _matmul_bias_act_grad(rng):
    d = "float64"
    x = lambda shape, layout=C: Arg(rand(rng, shape, d), layout)
    return [
        Sample((x((4, 5)), x((5, 3)), x((3,)), RELU), {}, "relu"),
        Sample((x((2, 3, 4)), x((4, 6)), x((6,)), LINEAR), {}, "batched-linear"),
        Sample((x((3, 4)), x((4, 2)), None, RELU), {}, "no-bias"),
    ]


_add(OpEntry("matmul_bias_act", _C.matmul_bias_act, _matmul_bias_act_samples,
             reference(_matmul_bias_act_ref), rule_float, grad_samples=_matmul_bias_act_grad,
             rtol={"float32": 1e-5}, atol={"float32": 1e-4}, optional_args=(2,)))
