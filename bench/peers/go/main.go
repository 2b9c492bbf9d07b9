// Go vishvananda/netlink peer: the same workloads as bench/peers/c/nlref.c,
// through the library's public API. Built offline in GOPATH mode against
// Debian's golang-github-vishvananda-netlink-dev (build.sh).
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func cpuUs() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Sec+ru.Stime.Sec)*1e6 + float64(ru.Utime.Usec+ru.Stime.Usec)
}

func peakRssKb() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func addr(i int) *netlink.Addr {
	v := uint32(0x0ac80000 + i + 1)
	ip := net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	return &netlink.Addr{IPNet: &net.IPNet{IP: ip, Mask: net.CIDRMask(32, 32)}}
}

func main() {
	switch os.Args[1] {
	case "setup":
		t0 := time.Now()
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		must(err)
		h.Delete()
		first := float64(time.Since(t0).Nanoseconds()) / 1e3
		t0 = time.Now()
		for i := 0; i < 1000; i++ {
			h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
			must(err)
			h.Delete()
		}
		fmt.Printf("{\"firstUs\":%.3f,\"meanUs\":%.3f}\n", first, float64(time.Since(t0).Nanoseconds())/1e3/1000)
	case "w1":
		// No streaming API in this version: stream mode collects too.
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		must(err)
		t0 := time.Now()
		routes, err := h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: unix.RT_TABLE_UNSPEC}, netlink.RT_FILTER_TABLE)
		must(err)
		ms := float64(time.Since(t0).Nanoseconds()) / 1e6
		fmt.Printf("{\"count\":%d,\"ms\":%.3f,\"peakRssKb\":%d}\n", len(routes), ms, peakRssKb())
	case "w2":
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		must(err)
		t0 := time.Now()
		links, err := h.LinkList()
		must(err)
		ms := float64(time.Since(t0).Nanoseconds()) / 1e6
		fmt.Printf("{\"count\":%d,\"ms\":%.3f}\n", len(links), ms)
	case "w3":
		n, _ := strconv.Atoi(os.Args[3])
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		must(err)
		link, err := h.LinkByName(os.Args[2])
		must(err)
		t0 := time.Now()
		for i := 0; i < n; i++ {
			must(h.AddrAdd(link, addr(i)))
		}
		for i := 0; i < n; i++ {
			must(h.AddrDel(link, addr(i)))
		}
		ms := float64(time.Since(t0).Nanoseconds()) / 1e6
		fmt.Printf("{\"ops\":%d,\"ms\":%.3f}\n", 2*n, ms)
	case "w4":
		expected, _ := strconv.Atoi(os.Args[2])
		ch := make(chan netlink.AddrUpdate, 1024)
		done := make(chan struct{})
		overruns := 0
		must(netlink.AddrSubscribeWithOptions(ch, done, netlink.AddrSubscribeOptions{
			ErrorCallback: func(error) { overruns++ },
		}))
		fmt.Println("READY")
		received := 0
		var t0, t1 time.Time
		var c0, c1 float64
	loop:
		for received < expected {
			limit := 3 * time.Second
			if received == 0 {
				limit = 20 * time.Second
			}
			select {
			case u, ok := <-ch:
				if !ok {
					break loop
				}
				if received == 0 {
					t0 = time.Now()
					c0 = cpuUs()
				}
				if u.NewAddr {
					received++
				}
				t1 = time.Now()
				c1 = cpuUs()
			case <-time.After(limit):
				break loop
			}
		}
		fmt.Printf("{\"received\":%d,\"overruns\":%d,\"cpuUs\":%.1f,\"ms\":%.3f}\n", received, overruns, c1-c0, float64(t1.Sub(t0).Nanoseconds())/1e6)
	default:
		os.Exit(2)
	}
}
