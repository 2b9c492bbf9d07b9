//! Rust rtnetlink peer: the same workloads as bench/peers/c/nlref.c, through
//! the rtnetlink crate's public API (one current-thread tokio runtime).
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use std::os::unix::io::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::stream::{StreamExt, TryStreamExt};
use netlink_packet_route::{address, link, route, AddressMessage, NetlinkPayload, RtnlMessage};
use rtnetlink::{new_connection, sys::{AsyncSocket, SocketAddr}, IpVersion};

const RTMGRP_IPV4_IFADDR: u32 = 0x10;

fn cpu_us() -> f64 {
    let mut ru: libc_rusage = unsafe { std::mem::zeroed() };
    unsafe { getrusage(0, &mut ru) };
    (ru.ru_utime.tv_sec as f64 + ru.ru_stime.tv_sec as f64) * 1e6 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) as f64
}
fn peak_rss_kb() -> i64 {
    let mut ru: libc_rusage = unsafe { std::mem::zeroed() };
    unsafe { getrusage(0, &mut ru) };
    ru.ru_maxrss
}
#[repr(C)]
struct Timeval { tv_sec: i64, tv_usec: i64 }
#[repr(C)]
struct libc_rusage { ru_utime: Timeval, ru_stime: Timeval, ru_maxrss: i64, _rest: [i64; 13] }
extern "C" {
    fn getrusage(who: i32, usage: *mut libc_rusage) -> i32;
    fn if_nametoindex(name: *const u8) -> u32;
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
    fn setsockopt(fd: i32, level: i32, name: i32, value: *const i32, len: u32) -> i32;
}
#[repr(C)]
struct Timespec { tv_sec: i64, tv_nsec: i64 }

// The event latency listener (bench/latency.ts): groups link, IPv6 addresses, IPv6 routes.
const RTMGRP_LINK: u32 = 0x1;
const RTMGRP_IPV6_IFADDR: u32 = 0x100;
const RTMGRP_IPV6_ROUTE: u32 = 0x400;
const SIGTERM: i32 = 15;
static TERM: AtomicBool = AtomicBool::new(false);
extern "C" fn on_term(_: i32) { TERM.store(true, Ordering::SeqCst); }

fn mono_ns() -> u64 {
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    unsafe { clock_gettime(1, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// The time a change carries in 2001:db8:<third>:0:T (bench/peers/c/latency.c), or 0.
fn carried(ip: &[u8], third: u8) -> u64 {
    if ip.len() != 16 || ip[..8] != [0x20, 0x01, 0x0d, 0xb8, 0, third, 0, 0] { return 0; }
    ip[8..].iter().fold(0u64, |t, b| t << 8 | *b as u64)
}

fn change_time(m: &RtnlMessage) -> u64 {
    match m {
        RtnlMessage::NewAddress(a) => a.nlas.iter().find_map(|n| match n {
            address::Nla::Address(ip) => Some(carried(ip, 0xa)),
            _ => None,
        }).unwrap_or(0),
        RtnlMessage::NewRoute(r) if r.header.destination_prefix_length == 128 => r.nlas.iter().find_map(|n| match n {
            route::Nla::Destination(ip) => Some(carried(ip, 0xb)),
            _ => None,
        }).unwrap_or(0),
        RtnlMessage::NewLink(l) => l.nlas.iter().find_map(|n| match n {
            link::nlas::Nla::IfAlias(a) if a.starts_with('t') => a[1..].parse::<u64>().ok(),
            _ => None,
        }).unwrap_or(0),
        _ => 0,
    }
}

fn addr(i: u32) -> Ipv4Addr { Ipv4Addr::from(0x0ac8_0000u32 + i + 1) }

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(|s| s.as_str()) {
        Some("setup") => {
            let t0 = Instant::now();
            {
                let (conn, _h, _m) = new_connection().unwrap();
                drop(conn);
            }
            let first = t0.elapsed().as_secs_f64() * 1e6;
            let t0 = Instant::now();
            for _ in 0..1000 {
                let (conn, _h, _m) = new_connection().unwrap();
                drop(conn);
            }
            println!("{{\"firstUs\":{:.3},\"meanUs\":{:.3}}}", first, t0.elapsed().as_secs_f64() * 1e6 / 1000.0);
        }
        Some("w1") => {
            let stream = args.get(2).map(|s| s == "stream").unwrap_or(false);
            let (conn, handle, _) = new_connection().unwrap();
            tokio::spawn(conn);
            let t0 = Instant::now();
            let count = if stream {
                let mut n = 0usize;
                let mut routes = handle.route().get(IpVersion::V4).execute();
                while let Some(r) = routes.try_next().await.unwrap() {
                    std::hint::black_box(&r);
                    n += 1;
                }
                n
            } else {
                let routes: Vec<_> = handle.route().get(IpVersion::V4).execute().try_collect().await.unwrap();
                routes.len()
            };
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            println!("{{\"count\":{},\"ms\":{:.3},\"peakRssKb\":{}}}", count, ms, peak_rss_kb());
        }
        Some("w2") => {
            let (conn, handle, _) = new_connection().unwrap();
            tokio::spawn(conn);
            let t0 = Instant::now();
            let links: Vec<_> = handle.link().get().execute().try_collect().await.unwrap();
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            println!("{{\"count\":{},\"ms\":{:.3}}}", links.len(), ms);
        }
        Some("w3") => {
            let dev = std::ffi::CString::new(args[2].clone()).unwrap();
            let index = unsafe { if_nametoindex(dev.as_ptr() as *const u8) };
            let n: u32 = args[3].parse().unwrap();
            let (conn, handle, _) = new_connection().unwrap();
            tokio::spawn(conn);
            let t0 = Instant::now();
            for i in 0..n {
                handle.address().add(index, IpAddr::V4(addr(i)), 32).execute().await.unwrap();
            }
            for i in 0..n {
                let mut m = AddressMessage::default();
                m.header.family = 2;
                m.header.prefix_len = 32;
                m.header.index = index;
                let a = addr(i).octets().to_vec();
                m.nlas.push(address::Nla::Local(a.clone()));
                m.nlas.push(address::Nla::Address(a));
                handle.address().del(m).execute().await.unwrap();
            }
            let ms = t0.elapsed().as_secs_f64() * 1e3;
            println!("{{\"ops\":{},\"ms\":{:.3}}}", 2 * n, ms);
        }
        Some("w4") => {
            let expected: usize = args[2].parse().unwrap();
            let (mut conn, _handle, mut messages) = new_connection().unwrap();
            conn.socket_mut().socket_mut().bind(&SocketAddr::new(0, RTMGRP_IPV4_IFADDR)).unwrap();
            tokio::spawn(conn);
            println!("READY");
            let mut received = 0usize;
            let (mut t0, mut c0, mut t1, mut c1) = (Instant::now(), 0.0, Instant::now(), 0.0);
            while received < expected {
                let limit = if received == 0 { 20_000 } else { 3_000 };
                match tokio::time::timeout(Duration::from_millis(limit), messages.next()).await {
                    Ok(Some((m, _))) => {
                        if received == 0 { t0 = Instant::now(); c0 = cpu_us(); }
                        if let netlink_packet_route::NetlinkPayload::InnerMessage(RtnlMessage::NewAddress(_)) = m.payload {
                            received += 1;
                        }
                        t1 = Instant::now();
                        c1 = cpu_us();
                    }
                    _ => break,
                }
            }
            println!("{{\"received\":{},\"overruns\":0,\"cpuUs\":{:.1},\"ms\":{:.3}}}", received, c1 - c0, (t1 - t0).as_secs_f64() * 1e3);
        }
        Some("latency") => {
            unsafe { signal(SIGTERM, on_term) };
            let (mut conn, _handle, mut messages) = new_connection().unwrap();
            let sock = conn.socket_mut().socket_mut();
            // 8 MiB as the C reference listens (SO_RCVBUFFORCE: SOL_SOCKET 1, 33)
            let size: i32 = 8 << 20;
            unsafe { setsockopt(sock.as_raw_fd(), 1, 33, &size, 4) };
            sock.bind(&SocketAddr::new(0, RTMGRP_LINK | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE)).unwrap();
            tokio::spawn(conn);
            println!("READY");
            let mut samples: Vec<(u64, u64)> = Vec::new();
            // The signal only sets a flag: look at it between messages and every 50 ms.
            while !TERM.load(Ordering::SeqCst) {
                if let Ok(Some((m, _))) = tokio::time::timeout(Duration::from_millis(50), messages.next()).await {
                    if let NetlinkPayload::InnerMessage(inner) = &m.payload {
                        let t = change_time(inner);
                        if t != 0 {
                            let now = mono_ns();
                            samples.push((t, now - t));
                        }
                    }
                }
            }
            let body: Vec<String> = samples.iter().map(|(t, l)| format!("[{},{}]", t, l)).collect();
            println!("{{\"overruns\":0,\"samples\":[{}]}}", body.join(","));
        }
        _ => std::process::exit(2),
    }
}
