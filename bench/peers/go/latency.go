// Event latency listener (bench/latency.ts) for Go vishvananda/netlink.
//
// Subscribes to link, address and route updates (one socket each, as the
// library does), and keeps (change time, latency ns) for each update that
// carries a change time (see bench/peers/c/latency.c). Prints READY once
// listening and {"overruns":N,"samples":[[T,ns],...]} on SIGTERM.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o vnl-latency latency.go
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func mono() uint64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return uint64(ts.Sec)*1e9 + uint64(ts.Nsec)
}

// carried: the time in 2001:db8:<third>:0:T, or 0.
func carried(ip []byte, third byte) uint64 {
	if len(ip) != 16 || ip[0] != 0x20 || ip[1] != 0x01 || ip[2] != 0x0d || ip[3] != 0xb8 ||
		ip[4] != 0 || ip[5] != third || ip[6] != 0 || ip[7] != 0 {
		return 0
	}
	var t uint64
	for _, b := range ip[8:] {
		t = t<<8 | uint64(b)
	}
	return t
}

func main() {
	var mu sync.Mutex
	var samples [][2]uint64
	overruns := 0
	keep := func(t uint64) {
		now := mono()
		mu.Lock()
		samples = append(samples, [2]uint64{t, now - t})
		mu.Unlock()
	}
	onError := func(error) {
		mu.Lock()
		overruns++
		mu.Unlock()
	}
	done := make(chan struct{})
	addrs := make(chan netlink.AddrUpdate, 4096)
	routes := make(chan netlink.RouteUpdate, 4096)
	links := make(chan netlink.LinkUpdate, 4096)
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	must(netlink.AddrSubscribeWithOptions(addrs, done, netlink.AddrSubscribeOptions{ErrorCallback: onError, ReceiveBufferSize: 8 << 20}))
	must(netlink.RouteSubscribeWithOptions(routes, done, netlink.RouteSubscribeOptions{ErrorCallback: onError}))
	must(netlink.LinkSubscribeWithOptions(links, done, netlink.LinkSubscribeOptions{ErrorCallback: onError}))
	go func() {
		for u := range addrs {
			if u.NewAddr {
				if t := carried(u.LinkAddress.IP.To16(), 0xa); t != 0 {
					keep(t)
				}
			}
		}
	}()
	go func() {
		for u := range routes {
			if u.Type == unix.RTM_NEWROUTE && u.Route.Dst != nil {
				if ones, _ := u.Route.Dst.Mask.Size(); ones == 128 {
					if t := carried(u.Route.Dst.IP.To16(), 0xb); t != 0 {
						keep(t)
					}
				}
			}
		}
	}()
	go func() {
		for u := range links {
			if u.Header.Type == unix.RTM_NEWLINK && u.Link != nil {
				if a := u.Link.Attrs().Alias; strings.HasPrefix(a, "t") {
					if t, err := strconv.ParseUint(a[1:], 10, 64); err == nil {
						keep(t)
					}
				}
			}
		}
	}()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	fmt.Println("READY")
	<-term
	mu.Lock()
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "{\"overruns\":%d,\"samples\":[", overruns)
	for i, s := range samples {
		if i > 0 {
			w.WriteString(",")
		}
		fmt.Fprintf(w, "[%d,%d]", s[0], s[1])
	}
	w.WriteString("]}\n")
	w.Flush()
	os.Exit(0)
}
