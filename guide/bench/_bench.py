"""Shared helpers for the rule benchmarks in this folder.

Each ``<rule-id>.py`` times (or measures the memory of) the pattern its rule flags and the rewrite the rule
suggests, on the same input, checks that both give the same answer, and prints one JSON line through
``report``. ``npm run bench:rules`` (scripts/bench-rules.mjs) runs them all and writes ``results.json``.

A ``# requires: a, b`` comment near the top names what a benchmark needs: Python modules, ``cuda`` (a CUDA
GPU visible to PyTorch) or ``cuda2`` (two of them). The runner skips a benchmark, with the reason, when
something is missing; a benchmark may also call ``skip(reason)`` itself (for example for a too-old library).
"""

import gc
import json
import os
import sys
import time
import tracemalloc

RULE = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def best_time(fn, repeat=5, number=1, setup=None):
    """Seconds per call of ``fn``: the best of ``repeat`` rounds of ``number`` calls, after one warm-up call.

    The minimum is the least disturbed estimate on a shared machine (the timeit documentation's advice).
    ``setup`` runs before each round, outside the timed region.
    """
    if setup:
        setup()
    fn()
    best = float("inf")
    for _ in range(repeat):
        if setup:
            setup()
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def peak_bytes(fn):
    """Peak memory allocated while ``fn`` runs, in bytes, as tracemalloc sees it (NumPy reports its buffers too)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def retained_bytes(build):
    """Memory still allocated after ``build()`` returns, with its result kept alive, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        keep = build()
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del keep
    return after - before


def versions(*modules):
    """``{"numpy": "1.24.2", ...}`` for the modules that are imported."""
    out = {}
    for name in modules:
        module = sys.modules.get(name)
        if module is not None:
            out[name] = getattr(module, "__version__", "?")
    return out


def report(*, metric, before, after, size, before_label, after_label, conditions="", libs=(), repeat=None, better=None, worse=None, scales=()):
    """Prints the result line. ``metric`` is "time" (seconds per run) or "memory" (bytes).

    ``scales`` adds the same comparison at other input sizes: dicts with ``size``, ``before``, ``after`` and an
    optional ``note`` saying how a figure was obtained when not measured whole (e.g. scaled from a sample), and
    optionally their own ``before_label``/``after_label`` when they measure another rewrite the same rule offers.

    ``better``/``worse`` replace "faster"/"slower" (or "less memory"/"more memory") in the summary when the
    measured quantity is not a run time, e.g. "shorter stalls".
    """
    if metric not in ("time", "memory"):
        raise ValueError(metric)
    line = {
        "rule": RULE,
        "metric": metric,
        "unit": "s" if metric == "time" else "bytes",
        "before": before,
        "after": after,
        "size": size,
        "before_label": before_label,
        "after_label": after_label,
        "conditions": conditions,
        "libs": versions(*libs),
    }
    if repeat is not None:
        line["repeat"] = repeat
    if scales:
        line["scales"] = [dict(s) for s in scales]
    if better:
        line["better"] = better
        line["worse"] = worse or better
    print(json.dumps(line))


def skip(reason):
    """Records that this benchmark cannot run here, and why."""
    print(json.dumps({"rule": RULE, "skip": reason}))
    sys.exit(0)


def same(a, b, what="results"):
    """Fails loudly when the two versions disagree: a faster wrong answer is not evidence."""
    if a != b:
        raise AssertionError(f"before and after give different {what}: {a!r} != {b!r}")
