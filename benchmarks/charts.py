"""Writes the SVG charts of BENCHMARKS.md from the measured data in
benchmarks/data/ (no network, standard library only):

    python3 benchmarks/charts.py

- data/throughput.csv (concurrency,raw,raw_checked,sdk,python: calls/s)
  -> calls_per_second.svg
- data/bulk_limiter.csv and data/bulk_no_limiter.csv
  (elapsed_ms,succeeded_calls, from the bulk_job example's --timeline)
  -> bulk_progress.svg

benchmarks/collect.sh measures the data again.
"""

import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 690, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 200, 40, 50
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]


def read(name):
    with open(os.path.join(HERE, "data", name), newline="") as f:
        return list(csv.DictReader(f))


def nice_max(v):
    if v <= 0:
        return 1
    p = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * p:
            return m * p
    return 10 * p


def chart(title, xlabel, ylabel, series, xlog=False, path="out.svg"):
    """series: [(label, [(x, y), ...])]"""
    xs = [x for _, pts in series for x, _ in pts]
    ys = [y for _, pts in series for _, y in pts]
    x0, x1 = min(xs), max(xs)
    y1 = nice_max(max(ys))
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM

    def sx(x):
        if xlog:
            return LEFT + pw * (math.log(x) - math.log(x0)) / ((math.log(x1) - math.log(x0)) or 1)
        return LEFT + pw * (x - x0) / ((x1 - x0) or 1)

    def sy(y):
        return TOP + ph * (1 - y / y1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>',
    ]
    for i in range(6):
        y = y1 * i / 5
        out.append(
            f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:,.0f}</text>'
        )
    ticks = sorted(set(xs)) if xlog else [x0 + (x1 - x0) * i / 5 for i in range(6)]
    for x in ticks:
        out.append(
            f'<text x="{sx(x):.1f}" y="{TOP + ph + 18}" text-anchor="middle">{x:,.0f}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{TOP + ph}" y2="{TOP + ph}" stroke="black"/>'
    )
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + ph}" stroke="black"/>')
    out.append(
        f'<text x="{LEFT + pw / 2}" y="{H - 10}" text-anchor="middle">{xlabel}</text>'
    )
    out.append(
        f'<text x="16" y="{TOP + ph / 2}" text-anchor="middle" '
        f'transform="rotate(-90 16 {TOP + ph / 2})">{ylabel}</text>'
    )
    for i, (label, pts) in enumerate(series):
        c = COLORS[i % len(COLORS)]
        d = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{d}" fill="none" stroke="{c}" stroke-width="2"/>')
        if len(pts) < 20:
            for x, y in pts:
                out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{c}"/>')
        ly = TOP + 10 + 20 * i
        out.append(
            f'<line x1="{W - RIGHT + 12}" x2="{W - RIGHT + 32}" y1="{ly}" y2="{ly}" '
            f'stroke="{c}" stroke-width="2"/>'
        )
        out.append(f'<text x="{W - RIGHT + 38}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    with open(os.path.join(HERE, path), "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", os.path.join("benchmarks", path))


def main():
    rows = read("throughput.csv")
    series = []
    for key, label in (
        ("raw", "bare reqwest"),
        ("raw_checked", "bare reqwest, checked"),
        ("sdk", "trtc-room SDK"),
        ("python", "Python http.client"),
    ):
        pts = [(float(r["concurrency"]), float(r[key])) for r in rows if r.get(key)]
        if pts:
            series.append((label, pts))
    chart(
        "get_room_info against the emulator",
        "concurrent calls",
        "calls per second",
        series,
        xlog=True,
        path="calls_per_second.svg",
    )
    series = []
    for name, label in (("bulk_limiter.csv", "with the limiter"), ("bulk_no_limiter.csv", "without")):
        pts = [(float(r["elapsed_ms"]) / 1000, float(r["succeeded_calls"])) for r in read(name)]
        series.append((label, pts))
    chart(
        "Bulk job: 10,000 accounts + 5,000 room calls",
        "seconds",
        "successful calls",
        series,
        path="bulk_progress.svg",
    )


if __name__ == "__main__":
    main()
