#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The zcx authors
#
# Draws the results of `zcx bench --json FILE` as charts: one figure per suite (alloc, layout,
# exchange, ipc; any other suite gets a generic bar chart), written as DIR/<suite>.png and
# DIR/<suite>.svg. Each figure says what was measured, on which machine and when, and the
# targets the suite noted. Suites without rows are skipped.
#
#   /usr/bin/python3 bench/plot.py rows.json DIR
#   /usr/bin/python3 bench/plot.py --check      (only checks that matplotlib can be used)
#
# Exit status: 0 when at least one chart was written (--check: matplotlib is there); 1 when
# matplotlib is missing, the JSON cannot be read, or it holds no results; 2 for a wrong
# command line.
import datetime
import json
import math
import os
import sys

USAGE = "usage: plot.py ROWS.json DIR | plot.py --check"

# One colour per implementation, the same in every chart; zcx stands out.
IMPL_COLORS = {
    "zcx": "#d62728",
    "glibc": "#7f7f7f",
    "glibc-tuned": "#bcbd22",
    "jemalloc": "#1f77b4",
    "mimalloc": "#2ca02c",
    "tcmalloc": "#9467bd",
    "memcpy": "#7f7f7f",
    "naive": "#8c564b",
    "numpy": "#1f77b4",
    "copy": "#7f7f7f",
    "baseline": "#7f7f7f",
    "zcx_pool": "#d62728",
    "numpy_default": "#1f77b4",
}
FALLBACK_COLORS = ["#ff7f0e", "#17becf", "#e377c2", "#8c564b", "#1f77b4", "#2ca02c",
                   "#9467bd", "#bcbd22"]


def fail(msg, code=1):
    print(f"plot.py: {msg}", file=sys.stderr)
    sys.exit(code)


def palette(series):
    """A colour per series: the fixed one of a known implementation, else one not used yet."""
    colors = {}
    used = set()
    for s in series:
        c = IMPL_COLORS.get(str(s).lower())
        if c is not None and c not in used:
            colors[s] = c
            used.add(c)
    spare = [c for c in FALLBACK_COLORS + list(IMPL_COLORS.values()) if c not in used]
    for s in series:
        if s not in colors:
            colors[s] = spare.pop(0) if spare else "#333333"
    return colors


def number(row, *keys):
    """The first numeric value among `keys` in `row`, or None."""
    for k in keys:
        v = row.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            return float(v)
    return None


def fmt_seconds(s):
    if s is None or s < 0:
        return "-"
    if s == 0:
        return "0"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            v = s / scale
            return f"{v:.3g} {unit}"
    return f"{s / 1e-9:.2g} ns"


def fmt_bytes(n):
    if n is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" or n == int(n) else f"{n:.3g} {unit}"
        n /= 1024.0
    return str(n)


def ordered(values):
    """Unique values in first-seen order."""
    seen = []
    for v in values:
        if v not in seen:
            seen.append(v)
    return seen


def machine_line(doc, json_path):
    m = doc.get("machine") or {}
    parts = []
    if m.get("cpu_model"):
        parts.append(str(m["cpu_model"]))
    if m.get("cpus"):
        parts.append(f"{m['cpus']} CPUs")
    if isinstance(m.get("memory_bytes"), (int, float)):
        parts.append(f"{m['memory_bytes'] / 2**30:.1f} GiB RAM")
    for k in ("kernel", "libc"):
        if m.get(k):
            parts.append(str(m[k]))
    if m.get("transparent_hugepages"):
        parts.append(f"THP {m['transparent_hugepages']}")
    date = m.get("date") or doc.get("date")
    if not date:
        date = datetime.datetime.fromtimestamp(os.path.getmtime(json_path)).strftime(
            "%Y-%m-%d %H:%M")
    parts.append(f"run {date}")
    if doc.get("quick"):
        parts.append("--quick run (small sizes)")
    return ", ".join(parts)


def suite_notes(doc, suite):
    """The suite's notes (targets met or missed, what was skipped), shortened to fit."""
    out = []
    for n in doc.get("notes") or []:
        if isinstance(n, str) and n.startswith(suite + ": "):
            text = n[len(suite) + 2:]
            out.append(text if len(text) <= 170 else text[:167] + "...")
    return out


def new_figure(plt, ncols, title, doc, json_path, notes, width=None, label_room=0.0):
    """A figure of `ncols` charts side by side with a title, and a footer that names the
    machine, the date and the suite's notes. `label_room`: extra height (a fraction) under
    the charts for long, slanted x labels."""
    width = width or (7.5 * ncols)
    height = 5.6 * (1 + label_room)
    fig, axes = plt.subplots(1, ncols, figsize=(width, height), squeeze=False)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    footer = machine_line(doc, json_path)
    if notes:
        footer += "\n" + "\n".join(notes[:6])
    fig.text(0.01, 0.01, footer, fontsize=7.5, va="bottom", ha="left", color="#444444",
             wrap=True)
    bottom = (0.16 + 0.022 * min(len(notes), 6) + label_room) / (1 + label_room)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.86, bottom=bottom, wspace=0.28)
    return fig, axes[0]


def save(fig, plt, out_dir, name, written):
    for ext in ("png", "svg"):
        path = os.path.join(out_dir, f"{name}.{ext}")
        fig.savefig(path, dpi=120 if ext == "png" else None)
        written.append(path)
    plt.close(fig)


def grouped_bars(ax, groups, series, value, label_fn=None, log=False, colors=None):
    """Bars of value(group, series) (None: no bar), groups along x, one colour per series;
    the bars a group has are centred on it."""
    pal = palette(series)
    present = {g: [s for s in series if value(g, s) is not None and (not log or value(g, s) > 0)]
               for g in groups}
    width = 0.8 / max([len(p) for p in present.values()] + [1])
    bars_of = {s: ([], []) for s in series}
    labels = []
    for gi, g in enumerate(groups):
        k = len(present[g])
        for j, s in enumerate(present[g]):
            x = gi + (j - (k - 1) / 2.0) * width
            y = value(g, s)
            bars_of[s][0].append(x)
            bars_of[s][1].append(y)
            if label_fn:
                text = label_fn(g, s, y)
                if text:
                    labels.append((x, y, text))
    for si, s in enumerate(series):
        xs, ys = bars_of[s]
        if not xs:
            continue
        c = colors(s, si) if colors else pal[s]
        ax.bar(xs, ys, width=width * 0.95, color=c, label=str(s) if s not in (None, "") else None,
               edgecolor="black" if str(s) == "zcx" else None, linewidth=0.8)
    for x, y, text in labels:
        ax.annotate(text, (x, y), ha="center", va="bottom", fontsize=6.5, rotation=90,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(groups)))
    if len(groups) > 6:
        ax.set_xticklabels([str(g).replace("\n", ", ") for g in groups], fontsize=7,
                           rotation=40, ha="right", rotation_mode="anchor")
    else:
        ax.set_xticklabels([str(g) for g in groups], fontsize=9)
    if log:
        ax.set_yscale("log")
    ax.grid(axis="y", alpha=0.3, which="both" if log else "major")
    ax.set_axisbelow(True)
    # Headroom above the tallest bar for the labels and the legend.
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi * 8 if log else hi * 1.35)


def seconds_axis(ax, plt):
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: fmt_seconds(v)))


# ---------------------------------------------------------------------------------------------
# alloc: time per iteration per allocator (log) and the share of time spent allocating


def plot_alloc(rows, doc, json_path, out_dir, plt, written):
    rows = [r for r in rows if number(r, "median_s") is not None]
    if not rows:
        return
    cases = ordered(r.get("case") for r in rows)
    impls = ordered(r.get("impl") for r in rows)
    by = {(r.get("case"), r.get("impl")): r for r in rows}
    fig, (ax1, ax2) = new_figure(
        plt, 2, "Allocation: the zcx pool against the C library's malloc and other allocators",
        doc, json_path, suite_notes(doc, "alloc"), width=15)

    def t(c, i):
        r = by.get((c, i))
        return number(r, "median_s") if r else None

    def ratio(c, i, y):
        r = by.get((c, i))
        q = number(r, "ratio_vs_zcx") if r else None
        if q is None or i == "zcx":
            return None
        return f"{q:.0f}×" if q >= 10 else f"{q:.2g}×"

    grouped_bars(ax1, cases, impls, t, label_fn=ratio, log=True)
    seconds_axis(ax1, plt)
    ax1.set_title("Median time per iteration (micro cases: per allocate+free), lower is better\n"
                  "labels: the allocator's time ÷ zcx's time (above 1×: zcx is faster)",
                  fontsize=9.5)
    ax1.set_xlabel("workload")
    ax1.set_ylabel("time (log scale)")
    ax1.legend(fontsize=8, ncol=2, title="allocator", title_fontsize=8)

    loop_cases = [c for c in cases if not str(c).startswith("micro")] or cases

    def share(c, i):
        r = by.get((c, i))
        v = number(r, "alloc_share") if r else None
        return None if v is None else 100.0 * v

    grouped_bars(ax2, loop_cases, impls, share)
    ax2.set_title("Share of the loop's time spent inside allocate and free\nlower is better",
                  fontsize=9.5)
    ax2.set_xlabel("workload")
    ax2.set_ylabel("allocation share of run time (%)")
    ax2.set_ylim(0, max(5.0, min(100.0, 1.15 * max(
        [share(c, i) or 0 for c in loop_cases for i in impls] + [1.0]))))
    save(fig, plt, out_dir, "alloc", written)


# ---------------------------------------------------------------------------------------------
# layout: GB/s of the AoS <-> SoA conversions against memcpy, a naive loop and NumPy


def plot_layout(rows, doc, json_path, out_dir, plt, written):
    bw = [r for r in rows if number(r, "gbps") is not None]
    other = [r for r in rows if number(r, "gbps") is None and number(r, "median_s") is not None]
    if not bw and not other:
        return
    ncols = 2 if bw and other else 1
    fig, axes = new_figure(plt, ncols, "Layouts: AoS ↔ SoA conversion bandwidth", doc,
                           json_path, suite_notes(doc, "layout"), width=8 + 6 * (ncols - 1))
    ax = axes[0]
    if bw:
        def group(r):
            g = str(r.get("case"))
            if r.get("threads") is not None:
                g += f"\n{r['threads']} thr"
            return g

        groups = ordered(group(r) for r in bw)
        impls = ordered(r.get("impl") for r in bw)
        by = {(group(r), r.get("impl")): r for r in bw}
        grouped_bars(ax, groups, impls, lambda g, i: number(by[(g, i)], "gbps")
                     if (g, i) in by else None,
                     label_fn=lambda g, i, y: f"{y:.3g}")
        ax.set_title("Throughput of each conversion (bytes moved per second)\n"
                     "higher is better; memcpy of the same bytes is the ceiling", fontsize=9.5)
        ax.set_xlabel("conversion")
        ax.set_ylabel("GB/s")
        ax.legend(fontsize=8, title="implementation", title_fontsize=8, ncol=3, loc="upper left")
        ax = axes[1] if ncols == 2 else None
    if other and ax is not None:
        plot_generic_axis(ax, other, plt, "median_s")
        ax.set_title("Other cases: median time, lower is better", fontsize=9.5)
    save(fig, plt, out_dir, "layout", written)


# ---------------------------------------------------------------------------------------------
# exchange: hand-over cost against a copy, per size (log-log), and the workloads


def row_size(r):
    return number(r, "size_bytes", "bytes", "nbytes", "size")


def row_us(r, prefix):
    us = number(r, prefix + "_us")
    if us is None:
        s = number(r, prefix + "_s")
        us = s * 1e6 if s is not None else None
    return us


def plot_exchange(rows, doc, json_path, out_dir, plt, written):
    hand = [r for r in rows if row_size(r) is not None and row_us(r, "handover") is not None]
    work = [r for r in rows if r not in hand and number(r, "median_s") is not None]
    if not hand and not work:
        return
    ncols = 2 if hand and work else 1
    fig, axes = new_figure(plt, ncols,
                           "Exchange: handing a tensor over (zero copy) versus copying it",
                           doc, json_path, suite_notes(doc, "exchange"),
                           width=8.5 + 6 * (ncols - 1))
    ax = axes[0]
    if hand:
        series = ordered((r.get("case"), r.get("impl")) for r in hand)
        pal = palette(series)
        markers = "osD^v<>ph*"
        copies_drawn = set()
        for si, (case, impl) in enumerate(series):
            mine = sorted((r for r in hand if (r.get("case"), r.get("impl")) == (case, impl)),
                          key=row_size)
            xs = [row_size(r) for r in mine]
            reference = str(impl) not in ("zcx", "None")
            ax.plot(xs, [row_us(r, "handover") for r in mine], marker=markers[si % len(markers)],
                    linestyle=":" if reference else "-", color=pal[(case, impl)],
                    label=f"{case}: hand-over" + (f" ({impl})" if reference else ""))
            copies = [(row_size(r), row_us(r, "copy")) for r in mine
                      if row_us(r, "copy") is not None]
            if copies and case not in copies_drawn:
                copies_drawn.add(case)
                ax.plot([c[0] for c in copies], [c[1] for c in copies],
                        marker=markers[si % len(markers)], linestyle="--", alpha=0.6,
                        color=pal[(case, impl)], label=f"{case}: copy")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: fmt_bytes(v)))
        ax.set_title("Cost per tensor: a hand-over (solid) stays flat, a copy (dashed) grows\n"
                     "with the size; log-log, lower is better", fontsize=9.5)
        ax.set_xlabel("tensor size (log scale)")
        ax.set_ylabel("µs per tensor (log scale)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=6.5, ncol=2)
        ax = axes[1] if ncols == 2 else None
    if work and ax is not None:
        plot_generic_axis(ax, work, plt, "median_s", log=False)
        ax.set_title("Workloads: median time per iteration, lower is better", fontsize=9.5)
        ax.set_xlabel("workload")
    save(fig, plt, out_dir, "exchange", written)


# ---------------------------------------------------------------------------------------------
# ipc: open and read times, and bandwidths


def plot_ipc(rows, doc, json_path, out_dir, plt, written):
    times = [r for r in rows if number(r, "median_s") is not None]
    # Opening by mmap reads only metadata: its "bandwidth" would mean nothing.
    bw = [r for r in rows if number(r, "gbps") is not None
          and not str(r.get("case", "")).startswith("open")]
    if not times and not bw:
        return
    # The suite compares zcx's operations with plain baselines (memcpy, a sum of offsets).
    baselines = {r.get("baseline") for r in rows if r.get("baseline")
                 and not str(r.get("baseline")).startswith("open")} | {"memcpy"}
    for r in times + bw:
        if not r.get("impl"):
            r["impl"] = "baseline" if r.get("case") in baselines else "zcx"
    ncols = 2 if times and bw else 1
    many = max(len(times), len(bw)) > 6
    fig, axes = new_figure(plt, ncols, "Arrow IPC: opening, reading and writing tables", doc,
                           json_path, suite_notes(doc, "ipc"), width=9 + 8 * (ncols - 1),
                           label_room=0.25 if many else 0.0)
    ax = axes[0]
    if times:
        plot_generic_axis(ax, times, plt, "median_s", log=True)
        ax.set_title("Median time of each operation (log scale), lower is better\n"
                     "a trusted open by mmap should not depend on the file's size", fontsize=9.5)
        ax.set_xlabel("operation (bytes it covers)")
        ax = axes[1] if ncols == 2 else None
    if bw and ax is not None:
        plot_generic_axis(ax, bw, plt, "gbps")
        ax.set_title("Bandwidth of each operation, higher is better\n"
                     "(bytes it covers per second; memcpy of the same bytes for scale)",
                     fontsize=9.5)
        ax.set_xlabel("operation")
    save(fig, plt, out_dir, "ipc", written)


# ---------------------------------------------------------------------------------------------
# Any other suite: bars of its main number per case and implementation

# String fields that describe a result rather than name its case.
IGNORED_STRINGS = ("bench", "case", "impl", "error", "baseline", "zero_copy")
PREFERRED = ("gbps", "median_s", "ns_per_column", "median_us", "us", "ratio")
DESCRIPTIVE = ("rows", "columns", "bytes", "size", "size_bytes", "threads", "iterations")


def main_key(rows):
    for k in PREFERRED:
        if any(number(r, k) is not None for r in rows):
            return k
    for r in rows:
        for k, v in r.items():
            if k not in DESCRIPTIVE and number(r, k) is not None:
                return k
    return None


def group_of(r):
    parts = [str(r["case"])] if r.get("case") is not None else []
    for k, unit in (("rows", " rows"), ("records", " records"), ("bytes", None),
                    ("size_bytes", None), ("size", None), ("threads", " thr")):
        v = number(r, k)
        if v is not None and v > 0:
            if unit is None:
                parts.append(fmt_bytes(v))
            else:
                parts.append((f"{v:,.0f}" if v == int(v) else f"{v:g}") + unit)
    for k, v in r.items():
        if isinstance(v, str) and k not in IGNORED_STRINGS:
            parts.append(v)
    return "\n".join(parts) or "-"


def plot_generic_axis(ax, rows, plt, key, log=None):
    rows = [r for r in rows if number(r, key) is not None]
    groups = ordered(group_of(r) for r in rows)
    impls = ordered(r.get("impl", "") for r in rows)
    by = {(group_of(r), r.get("impl", "")): number(r, key) for r in rows}
    if log is None:
        vals = [v for v in by.values() if v and v > 0]
        log = bool(vals) and max(vals) / min(vals) > 50
    grouped_bars(ax, groups, impls, lambda g, i: by.get((g, i)), log=log)
    if key.endswith("_s"):
        seconds_axis(ax, plt)
        ax.set_ylabel("time" + (" (log scale)" if log else ""))
    else:
        name = "GB/s" if key == "gbps" else key.replace("_", " ")
        ax.set_ylabel(name + (" (log scale)" if log else ""))
    if any(i for i in impls):
        ax.legend(fontsize=8)


def plot_generic(suite, rows, doc, json_path, out_dir, plt, written):
    key = main_key(rows)
    if key is None:
        return
    many = len(ordered(group_of(r) for r in rows)) > 6
    fig, axes = new_figure(plt, 1, f"Benchmark '{suite}': {key.replace('_', ' ')}", doc,
                           json_path, suite_notes(doc, suite), width=10,
                           label_room=0.25 if many else 0.0)
    plot_generic_axis(axes[0], rows, plt, key)
    axes[0].set_title(f"{key.replace('_', ' ')} per case" + (
        " (lower is better)" if key.endswith("_s") or key.startswith("ns") else ""),
        fontsize=9.5)
    save(fig, plt, out_dir, suite, written)


PLOTTERS = {
    "alloc": plot_alloc,
    "layout": plot_layout,
    "exchange": plot_exchange,
    "ipc": plot_ipc,
}


def import_pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail(f"matplotlib is not installed for {sys.executable}; install it "
             "(Debian: apt-get install python3-matplotlib) to draw charts")
    return plt


def main(argv):
    if len(argv) == 2 and argv[1] == "--check":
        import_pyplot()
        return 0
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if len(argv) != 2 else sys.stdout)
        return 0 if len(argv) == 2 else 2
    json_path, out_dir = argv[1], argv[2]
    try:
        with open(json_path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        fail(f"cannot read {json_path}: {e.strerror}")
    except ValueError as e:
        fail(f"{json_path} is not valid JSON: {e}")
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        fail(f"{json_path} has no 'results' list (expected the JSON of zcx bench --json)")
    suites = {}
    for r in doc["results"]:
        if isinstance(r, dict):
            suites.setdefault(str(r.get("bench") or "bench"), []).append(r)
    if not suites:
        fail(f"{json_path} holds no results to draw")
    plt = import_pyplot()
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        fail(f"cannot create {out_dir}: {e.strerror}")
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9})
    written = []
    for suite, rows in suites.items():
        rows = [r for r in rows if not r.get("error")]
        if not rows:
            continue
        plotter = PLOTTERS.get(suite)
        if plotter:
            plotter(rows, doc, json_path, out_dir, plt, written)
        else:
            plot_generic(suite, rows, doc, json_path, out_dir, plt, written)
    if not written:
        fail(f"{json_path}: no suite has results that can be drawn")
    for p in written:
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
