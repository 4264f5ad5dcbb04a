"""string-concat-in-loop: building a string with += in a loop vs str.join.

CPython can sometimes resize a str in place when `s += piece` holds the only reference, which hides the
quadratic cost for a plain local variable. That optimisation does not apply to an attribute or any
other target with a second reference, and other implementations (PyPy) do not have it. This benchmark
builds the string on an object's attribute, the case the optimisation misses.
"""
from _bench import best_time, report, same

N = 50_000
pieces = [f"row {i}: {i * i}\n" for i in range(N)]


class Report:
    def __init__(self):
        self.text = ""


def concat():
    r = Report()
    for p in pieces:
        r.text += p
    return r.text


def join():
    r = Report()
    r.text = "".join(pieces)
    return r.text


same(concat(), join())
report(
    metric="time",
    before=best_time(concat, repeat=3),
    after=best_time(join, repeat=3),
    size=f"{N:,} pieces, about {len(join()) // 1000:,} kB of text",
    before_label="self.text += piece in a loop",
    after_label='"".join(pieces)',
    conditions="target is an attribute, so CPython's in-place str resize cannot apply; a plain local str += is much closer to join on CPython",
    repeat=3,
)
