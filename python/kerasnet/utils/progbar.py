"""Progbar: Keras' progress bar (steps, bar, ETA or time, time per step, metrics).

On a terminal the bar is redrawn in place; otherwise (a file, a CI log) only the
final line of each run is printed, so logs get one plain line per epoch.
"""

import math
import os
import sys
import time

import numpy as np


class Progbar:
    """A progress bar.

    Args:
        target: total number of steps (None if unknown).
        width: bar width in characters.
        verbose: 0 silent, 1 bar, 2 one line at the end.
        interval: minimum seconds between redraws.
        stateful_metrics: metric names shown as their last value (not averaged).
        unit_name: "step" or "sample".
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or [])
        self._dynamic = (
            (hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
            or "ipykernel" in sys.modules
            or "posix" in sys.modules and os.environ.get("KERASNET_PROGBAR_DYNAMIC") == "1"
        )
        self._values = {}
        self._order = []
        self._start = time.time()
        self._last_update = 0.0
        self._seen = 0
        self._prev_len = 0

    def update(self, current, values=None, finalize=None):
        """Sets the step count to `current` and records metric values."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        values = values or []
        for k, v in values:
            if k not in self._order:
                self._order.append(k)
            v = float(np.asarray(v))
            if k in self.stateful_metrics:
                self._values[k] = [v, 1]
            else:
                step = max(current - self._seen, 1)
                acc = self._values.setdefault(k, [0.0, 0])
                acc[0] += v * step
                acc[1] += step
        self._seen = current
        now = time.time()
        if self.verbose == 0:
            return
        if self.verbose == 2 and not finalize:
            return
        if self.verbose == 1 and not finalize and (now - self._last_update < self.interval or not self._dynamic):
            return
        self._last_update = now
        line = self._format(current, now, finalize)
        if self._dynamic and self.verbose == 1:
            pad = max(self._prev_len - len(line), 0)
            sys.stdout.write("\r" + line + " " * pad)
            self._prev_len = len(line)
            if finalize:
                sys.stdout.write("\n")
        else:
            sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def add(self, n, values=None):
        self.update(self._seen + n, values)

    def _format(self, current, now, finalize):
        elapsed = now - self._start
        parts = []
        if self.target is not None:
            digits = int(math.log10(self.target)) + 1 if self.target > 0 else 1
            parts.append(f"{current:{digits}d}/{self.target}")
            if self.verbose == 1:
                frac = min(current / self.target, 1.0) if self.target else 1.0
                done = int(round(self.width * frac))
                parts.append("━" * done + " " * (self.width - done) if not finalize else "━" * self.width)
        else:
            parts.append(f"{current}")
        per = elapsed / current if current else 0.0
        if finalize or self.target is None:
            parts.append(_format_time(elapsed))
        else:
            parts.append(_format_time(per * (self.target - current)))
        if per >= 1:
            parts[-1] += f" {per:.0f}s/{self.unit_name}"
        elif per >= 1e-3:
            parts[-1] += f" {per * 1e3:.0f}ms/{self.unit_name}"
        else:
            parts[-1] += f" {per * 1e6:.0f}us/{self.unit_name}"
        line = " ".join(parts)
        for k in self._order:
            total, count = self._values[k]
            avg = total / max(count, 1)
            line += f" - {k}: {avg:.4f}" if abs(avg) >= 1e-3 or avg == 0 else f" - {k}: {avg:.4e}"
        return line


def _format_time(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(round(seconds))}s"
