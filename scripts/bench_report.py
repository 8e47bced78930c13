#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The report of "make bench": reads what scripts/bench.sh left in the
# results directory (guest.csv from the two VMs, native.csv from the ring
# run natively, crypto.csv from the KUnit handshake benchmark, machine.txt),
# prints the tables with each figure's ratio to raw ivshmem and the targets
# of issue 6, and writes results.json, report.txt and the plots (gnuplot,
# SVG) next to them.
#
#   bench_report.py DIR

import csv
import json
import os
import shutil
import subprocess
import sys

MODES = [("raw", "poll"), ("mmap", "poll"), ("mmap", "notify"),
         ("rw", "poll"), ("rw", "notify"), ("tcp", "poll"), ("tcp", "notify")]
LABEL = {
    ("raw", "poll"): "raw ivshmem, poll",
    ("raw", "notify"): "raw ivshmem, notify",
    ("mmap", "poll"): "sivshmem zero-copy, poll",
    ("mmap", "notify"): "sivshmem zero-copy, doorbell",
    ("rw", "poll"): "sivshmem read/write, non-blocking",
    ("rw", "notify"): "sivshmem read/write, blocking",
    ("tcp", "poll"): "TCP virtio-net, non-blocking",
    ("tcp", "notify"): "TCP virtio-net, blocking",
}


def load(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    with open(path) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["size"] = int(r["size"])
        r["value"] = float(r["value"])
        r["p99"] = float(r["p99"])
    return rows


def pick(rows, metric, transport, variant=None, size=None):
    for r in rows:
        if (r["metric"] == metric and r["transport"] == transport and
                (variant is None or r["variant"] == variant) and
                (size is None or r["size"] == size)):
            return r
    return None


def human(size):
    if size >= 1 << 20:
        return "%d MiB" % (size >> 20)
    if size >= 1024:
        return "%d KiB" % (size >> 10)
    return "%d B" % size


def guest_table(out, rows, metric, unit, title, better):
    sizes = sorted({r["size"] for r in rows if r["metric"] == metric})
    if not sizes:
        return
    out.append("%s (median %s; in brackets: ratio to raw ivshmem, poll; "
               "%s is better)" % (title, unit, better))
    w = 17
    hdr = "%-8s" % "size" + "".join("%*s" % (w, "%s/%s" % m) for m in MODES)
    out.append(hdr)
    for s in sizes:
        base = pick(rows, metric, "raw", "poll", s)
        line = "%-8s" % human(s)
        for t, v in MODES:
            if (t, v) == ("raw", "notify"):
                continue
            r = pick(rows, metric, t, v, s)
            if not r:
                cell = "-"
            elif base and (t, v) != ("raw", "poll"):
                cell = "%.1f (%.2fx)" % (r["value"], r["value"] / base["value"])
            else:
                cell = "%.1f" % r["value"]
            line += "%*s" % (w, cell)
        out.append(line)
    out.append("raw/notify: N/A. Without a driver nothing takes the raw "
               "device's interrupt (ivshmem-plain has none at all), so raw "
               "ivshmem can only busy-poll.")
    out.append("")


def verdict(ok):
    return "MET" if ok else "MISSED"


def main():
    d = sys.argv[1]
    guest = load(os.path.join(d, "guest.csv"))
    native = load(os.path.join(d, "native.csv"))
    crypto = load(os.path.join(d, "crypto.csv"))
    machine = ""
    if os.path.exists(os.path.join(d, "machine.txt")):
        machine = open(os.path.join(d, "machine.txt")).read().strip()

    out = ["sivshmem benchmarks", "===================", machine, ""]
    targets = []
    if guest:
        out.append("In the guests (QEMU TCG: only the ratios mean anything)")
        out.append("")
        guest_table(out, guest, "rtt", "us", "Round trip", "lower")
        guest_table(out, guest, "bw", "MiB/s", "Streaming bandwidth",
                    "higher")
        hs = pick(guest, "hs", "sivshmem")
        rate = pick(guest, "hs_rate", "sivshmem")
        if hs:
            out.append("Handshake (connect to a listening peer, full RSA "
                       "handshake through sivshmemd), %d connects: median "
                       "%.1f ms, p99 %.1f ms; %.1f connect+close per second"
                       % (int(hs["iters"]), hs["value"], hs["p99"],
                          rate["value"] if rate else 0))
            out.append("")

        def ratios(metric, t, v):
            res = []
            for r in guest:
                if r["metric"] == metric and r["transport"] == t and \
                        r["variant"] == v:
                    b = pick(guest, metric, "raw", "poll", r["size"])
                    if b:
                        res.append((r["size"], r["value"] / b["value"]))
            return res

        def worst(rs, lower_better):
            if lower_better:
                return max(x for _, x in rs)
            return min(x for _, x in rs)

        rz = ratios("rtt", "mmap", "poll")
        bz = ratios("bw", "mmap", "poll")
        rr = ratios("rtt", "rw", "poll")
        br = ratios("bw", "rw", "poll")
        if rz:
            w = worst(rz, True)
            targets.append(("zero-copy round trip within 2 % of raw "
                            "(worst size)", "%.2fx" % w, w <= 1.02))
        if bz:
            w = worst(bz, False)
            targets.append(("zero-copy bandwidth within 2 % of raw "
                            "(worst size)", "%.2fx" % w, w >= 0.98))
        if rr:
            w = worst(rr, True)
            targets.append(("read/write round trip within 10 % of raw "
                            "(worst size)", "%.2fx" % w, w <= 1.10))
        if br:
            w = worst(br, False)
            targets.append(("read/write bandwidth within 10 % of raw "
                            "(worst size)", "%.2fx" % w, w >= 0.90))
        for v in ("poll", "notify"):
            s = pick(guest, "rtt", "mmap", v, 64)
            t = pick(guest, "rtt", "tcp", v, 64)
            if s and t:
                x = t["value"] / s["value"]
                targets.append(("sivshmem zero-copy >= 10x faster than TCP "
                                "at 64 B (%s)" % v, "%.1fx" % x, x >= 10))
        if hs:
            targets.append(("in-guest handshake median under the paper's "
                            "200 ms", "%.1f ms" % hs["value"],
                            hs["value"] < 200))

    if native:
        out.append("Natively (this host, two processes over a memfd; the "
                   "same ring code as the guests)")
        pp = pick(native, "rtt", "pingpong")
        out.append("%-8s %14s %14s %10s" % ("size", "ring RTT us",
                                            "ping-pong us", "ratio"))
        for r in native:
            if r["metric"] == "rtt" and r["transport"] == "ring":
                out.append("%-8s %14.3f %14.3f %9.2fx" %
                           (human(r["size"]), r["value"], pp["value"],
                            r["value"] / pp["value"]))
        out.append("%-8s %14s %14s %10s" % ("size", "ring GiB/s",
                                            "memcpy GiB/s", "ratio"))
        for r in native:
            if r["metric"] == "bw" and r["transport"] == "ring":
                m = pick(native, "bw", "memcpy", None, r["size"])
                out.append("%-8s %14.2f %14.2f %9.2fx" %
                           (human(r["size"]), r["value"], m["value"],
                            r["value"] / m["value"]))
        out.append("")
        b = pick(native, "bw", "ring", None, 65536)
        r64 = pick(native, "rtt", "ring", None, 64)
        if b:
            targets.append(("native ring >= 10 GiB/s at 64 KiB (paper: "
                            "3.58 GiB/s)", "%.2f GiB/s" % b["value"],
                            b["value"] >= 10))
        if r64 and pp:
            x = r64["value"] / pp["value"]
            targets.append(("native ring round trip (64 B) within 2x of "
                            "the cache-line ping-pong", "%.2fx" % x, x <= 2))

    if crypto:
        out.append("Handshake compute natively (KUnit under UML, median of "
                   "the runs; generic C code, no x86 assembly)")
        for r in crypto:
            out.append("  %-44s %10.3f ms  (p99 %.3f, %s runs)" %
                       (r["transport"], r["value"], r["p99"], r["iters"]))
        out.append("")
        tot = [r for r in crypto if r["transport"] == "handshake both sides"]
        if tot:
            v = tot[0]["value"]
            targets.append(("full handshake compute, both sides, natively, "
                            "under 20 ms (paper: 200 ms)", "%.2f ms" % v,
                            v < 20))

    if targets:
        out.append("Targets (issue 6)")
        for name, val, ok in targets:
            out.append("  %-66s %12s  %s" % (name, val, verdict(ok)))
        out.append("")

    text = "\n".join(out)
    print(text)
    with open(os.path.join(d, "report.txt"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(d, "results.json"), "w") as f:
        json.dump({"machine": machine, "guest": guest, "native": native,
                   "crypto": crypto,
                   "targets": [{"target": n, "value": v, "met": ok}
                               for n, v, ok in targets]}, f, indent=1)
    plot(d, guest)


def plot(d, guest):
    if not guest:
        return
    gp = shutil.which("gnuplot")
    pd = os.path.join(d, "plot")
    os.makedirs(pd, exist_ok=True)
    series = {}
    for metric in ("rtt", "bw"):
        for t, v in MODES:
            rs = [r for r in guest if r["metric"] == metric and
                  r["transport"] == t and r["variant"] == v]
            if not rs:
                continue
            fn = os.path.join(pd, "%s-%s-%s.dat" % (metric, t, v))
            with open(fn, "w") as f:
                for r in sorted(rs, key=lambda r: r["size"]):
                    f.write("%d %f\n" % (r["size"], r["value"]))
            series.setdefault(metric, []).append((fn, LABEL[(t, v)]))
    script = ["set terminal svg size 900,560 dynamic font 'sans,11'",
              "set logscale xy 2", "set grid", "set key outside right",
              "set format x '%.0s%cB'"]
    for metric, title, ylabel, fn in (
            ("rtt", "Round trip between two QEMU/TCG guests (median)",
             "microseconds (log)", "rtt.svg"),
            ("bw", "Streaming bandwidth between two QEMU/TCG guests",
             "MiB/s (log)", "bw.svg")):
        if metric not in series:
            continue
        script += ["set output '%s'" % os.path.join(d, fn),
                   "set title '%s'" % title, "set xlabel 'message size'",
                   "set ylabel '%s'" % ylabel,
                   "set logscale y 10" if metric == "rtt" else
                   "set logscale y 10",
                   "plot " + ", ".join("'%s' using 1:2 with linespoints "
                                       "title '%s'" % (f, l)
                                       for f, l in series[metric])]
    with open(os.path.join(d, "plot.gp"), "w") as f:
        f.write("\n".join(script) + "\n")
    if not gp:
        print("bench: gnuplot not found (make deps installs it): plot.gp "
              "written, no SVG")
        return
    r = subprocess.run([gp, os.path.join(d, "plot.gp")],
                       capture_output=True, text=True)
    if r.returncode:
        print("bench: gnuplot failed: " + r.stderr.strip())
    else:
        print("plots: %s, %s" % (os.path.join(d, "rtt.svg"),
                                 os.path.join(d, "bw.svg")))


if __name__ == "__main__":
    main()
