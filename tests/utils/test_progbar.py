"""Progbar: what it prints for each verbose level (stdout not a terminal)."""

import numpy as np
from kerasnet.utils import Progbar


def test_verbose_1_prints_one_final_line_when_not_a_terminal(capsys):
    bar = Progbar(target=3)
    for i in range(1, 4):
        bar.update(i, [("loss", float(i))])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    line = out[0]
    assert line.startswith("3/3 ")
    assert "━" * 20 in line
    # Not stateful: the average over steps, (1 + 2 + 3) / 3.
    assert "loss: 2.0000" in line


def test_stateful_metrics_show_last_value(capsys):
    bar = Progbar(target=2, stateful_metrics=["acc"])
    bar.update(1, [("acc", 0.25)])
    bar.update(2, [("acc", 0.75)])
    assert "acc: 0.7500" in capsys.readouterr().out


def test_verbose_0_is_silent(capsys):
    bar = Progbar(target=2, verbose=0)
    bar.update(1)
    bar.update(2)
    assert capsys.readouterr().out == ""


def test_verbose_2_prints_only_at_the_end(capsys):
    bar = Progbar(target=2, verbose=2)
    bar.update(1, [("loss", 1.0)])
    assert capsys.readouterr().out == ""
    bar.update(2, [("loss", 3.0)])
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "loss: 2.0000" in out


def test_unknown_target_and_add(capsys):
    bar = Progbar(target=None)
    bar.add(2)
    bar.add(3)
    bar.update(5, finalize=True)
    out = capsys.readouterr().out
    assert out.startswith("5 ")


def test_small_values_use_scientific_notation(capsys):
    bar = Progbar(target=1)
    bar.update(1, [("loss", np.float32(1e-5))])
    assert "loss: 1.0000e-05" in capsys.readouterr().out
