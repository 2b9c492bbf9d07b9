"""pyroute2 peer: the same workloads as bench/peers/c/nlref.c through
pyroute2's IPRoute (Debian python3-pyroute2; run with /usr/bin/python3).
pyroute2 0.7's synchronous API collects dumps into tuples: stream mode too."""
import json
import resource
import select
import socket
import sys
import time

from pyroute2 import IPRoute

RTMGRP_IPV4_IFADDR = 0x10


def cpu_us():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return (ru.ru_utime + ru.ru_stime) * 1e6


def out(**kw):
    print(json.dumps(kw), flush=True)


def addr(i):
    v = 0x0AC80000 + i + 1
    return socket.inet_ntoa(v.to_bytes(4, "big"))


def main():
    w = sys.argv[1]
    if w == "setup":
        t0 = time.perf_counter()
        IPRoute().close()
        first = (time.perf_counter() - t0) * 1e6
        t0 = time.perf_counter()
        for _ in range(1000):
            IPRoute().close()
        out(firstUs=first, meanUs=(time.perf_counter() - t0) * 1e6 / 1000)
    elif w == "w1":
        ipr = IPRoute()
        t0 = time.perf_counter()
        routes = ipr.get_routes(family=socket.AF_INET)
        n = len(routes)
        ms = (time.perf_counter() - t0) * 1e3
        out(count=n, ms=ms, peakRssKb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    elif w == "w2":
        ipr = IPRoute()
        t0 = time.perf_counter()
        links = ipr.get_links()
        ms = (time.perf_counter() - t0) * 1e3
        out(count=len(links), ms=ms)
    elif w == "w3":
        n = int(sys.argv[3])
        ipr = IPRoute()
        idx = ipr.link_lookup(ifname=sys.argv[2])[0]
        t0 = time.perf_counter()
        for i in range(n):
            ipr.addr("add", index=idx, address=addr(i), prefixlen=32)
        for i in range(n):
            ipr.addr("del", index=idx, address=addr(i), prefixlen=32)
        out(ops=2 * n, ms=(time.perf_counter() - t0) * 1e3)
    elif w == "w4":
        expected = int(sys.argv[2])
        ipr = IPRoute()
        ipr.bind(groups=RTMGRP_IPV4_IFADDR)
        print("READY", flush=True)
        received = overruns = 0
        t0 = t1 = c0 = c1 = 0.0
        while received < expected:
            r, _, _ = select.select([ipr.fileno()], [], [], 3.0 if received else 20.0)
            if not r:
                break
            try:
                msgs = ipr.get()
            except OSError:
                overruns += 1
                continue
            if received == 0:
                t0, c0 = time.perf_counter(), cpu_us()
            for m in msgs:
                if m.get("event") == "RTM_NEWADDR":
                    received += 1
            t1, c1 = time.perf_counter(), cpu_us()
        out(received=received, overruns=overruns, cpuUs=c1 - c0, ms=(t1 - t0) * 1e3)
    else:
        sys.exit(2)


main()
