"""Event latency listener (bench/latency.ts) for pyroute2.

Joins the link, IPv6 address and IPv6 route groups, reads with select +
IPRoute.get(), and keeps (change time, latency ns) for each notification
that carries a change time (see bench/peers/c/latency.c). Prints READY once
listening and {"overruns":N,"samples":[[T,ns],...]} on SIGTERM.
"""
import ipaddress
import json
import select
import signal
import sys
import time

from pyroute2 import IPRoute
from pyroute2.netlink.rtnl import RTMGRP_IPV6_IFADDR, RTMGRP_IPV6_ROUTE, RTMGRP_LINK

samples = []
overruns = 0


def stop(*_):
    sys.stdout.write(json.dumps({"overruns": overruns, "samples": samples}) + "\n")
    sys.stdout.flush()
    sys.exit(0)


def carried(text, third):
    a = ipaddress.IPv6Address(text).packed
    if a[:4] != b"\x20\x01\x0d\xb8" or a[4:8] != bytes([0, third, 0, 0]):
        return None
    return int.from_bytes(a[8:], "big")


def main():
    global overruns
    signal.signal(signal.SIGTERM, stop)
    ipr = IPRoute()
    ipr.bind(groups=RTMGRP_LINK | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE)
    print("READY", flush=True)
    while True:
        r, _, _ = select.select([ipr.fileno()], [], [], 1.0)
        if not r:
            continue
        try:
            msgs = ipr.get()
        except OSError:
            overruns += 1
            continue
        now = time.monotonic_ns()
        for m in msgs:
            event = m.get("event")
            t = None
            if event == "RTM_NEWADDR":
                a = m.get_attr("IFA_ADDRESS")
                if a is not None and m["prefixlen"] == 128:
                    t = carried(a, 0xA)
            elif event == "RTM_NEWROUTE":
                d = m.get_attr("RTA_DST")
                if d is not None and m["dst_len"] == 128:
                    t = carried(d, 0xB)
            elif event == "RTM_NEWLINK":
                alias = m.get_attr("IFLA_IFALIAS")
                if alias is not None and alias.startswith("t"):
                    t = int(alias[1:])
            if t is not None:
                samples.append([t, now - t])


main()
