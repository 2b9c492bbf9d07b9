/*
 * Event latency (issue 21): the change maker and the C reference listener.
 *
 *   latency change DEV LINK trickle RATE COUNT   COUNT changes at RATE per second
 *   latency change DEV LINK burst COUNT          COUNT changes back to back
 *   latency listen                          the C reference consumer
 *
 * Every change carries the CLOCK_MONOTONIC time (ns) taken just before its
 * request is sent, in the object itself, so any consumer can tell how long
 * the notification took to reach it:
 *   address add   2001:db8:a:0:T/128 on DEV   (T: the time's 64 bits)
 *   route add     2001:db8:b:0:T/128 dev DEV
 *   link up/down  LINK set up or down (in turn) with alias "t<decimal T>",
 *                 in one request (a separate link: DEV going down would
 *                 take its addresses and routes along)
 * The trickle rotates through the three; a burst is route adds (the kernel
 * adds IPv6 routes in O(log n), addresses in O(n)). Each request waits for
 * its ack, so the next change starts after the kernel made the previous one.
 * The maker prints {"first":T0,"last":T1,"sent":N,"links":[T,...]} (the
 * phase's time range and the times of its link changes).
 *
 * The listener joins the IPv6 address and route groups and the link group,
 * reads with poll + recv, and keeps (change time, arrival time) of every
 * RTM_NEWADDR/RTM_NEWROUTE/RTM_NEWLINK that carries a time; on SIGTERM it
 * prints {"samples":[[T,latency ns],...]}.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static int open_nl(unsigned groups, int rcvbuf) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) die("socket");
  if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
  return fd;
}

static void join(int fd, int group) {
  if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) die("join");
}

// ---------------------------------------------------------------------------
// the change maker

struct req {
  struct nlmsghdr h;
  char body[512];
};

static void attr(struct req *r, int type, const void *data, int len) {
  struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void v6(unsigned char out[16], unsigned short third, uint64_t t) {
  memset(out, 0, 16);
  out[0] = 0x20, out[1] = 0x01, out[2] = 0x0d, out[3] = 0xb8;
  out[4] = third >> 8, out[5] = third & 0xff;
  for (int i = 0; i < 8; i++) out[8 + i] = (unsigned char)(t >> (56 - 8 * i));
}

static unsigned seq;
static char ackbuf[65536];

static void transact(int fd, struct req *r) {
  r->h.nlmsg_seq = ++seq;
  if (send(fd, r, r->h.nlmsg_len, 0) < 0) die("send");
  for (;;) {
    ssize_t n = recv(fd, ackbuf, sizeof ackbuf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("recv ack");
    }
    struct nlmsghdr *h = (struct nlmsghdr *)ackbuf;
    if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == seq) {
      int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
      if (err != 0) {
        errno = -err;
        die("change");
      }
      return;
    }
  }
}

static void change(int fd, int ifindex, int link, int which, long i, uint64_t t) {
  struct req r;
  memset(&r, 0, sizeof r);
  r.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (which == 0) {
    r.h.nlmsg_type = RTM_NEWADDR;
    r.h.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
    r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
    struct ifaddrmsg *ifa = NLMSG_DATA(&r.h);
    ifa->ifa_family = AF_INET6;
    ifa->ifa_prefixlen = 128;
    ifa->ifa_flags = IFA_F_NODAD;
    ifa->ifa_index = ifindex;
    unsigned char a[16];
    v6(a, 0xa, t);
    attr(&r, IFA_LOCAL, a, 16);
    attr(&r, IFA_ADDRESS, a, 16);
  } else if (which == 1) {
    r.h.nlmsg_type = RTM_NEWROUTE;
    r.h.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
    r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
    struct rtmsg *rt = NLMSG_DATA(&r.h);
    rt->rtm_family = AF_INET6;
    rt->rtm_dst_len = 128;
    rt->rtm_table = RT_TABLE_MAIN;
    rt->rtm_protocol = RTPROT_STATIC;
    rt->rtm_scope = RT_SCOPE_UNIVERSE;
    rt->rtm_type = RTN_UNICAST;
    unsigned char a[16];
    v6(a, 0xb, t);
    attr(&r, RTA_DST, a, 16);
    attr(&r, RTA_OIF, &ifindex, 4);
  } else {
    r.h.nlmsg_type = RTM_NEWLINK;
    r.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    struct ifinfomsg *ifi = NLMSG_DATA(&r.h);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = link;
    ifi->ifi_flags = (i / 3) % 2 ? IFF_UP : 0;
    ifi->ifi_change = IFF_UP;
    char alias[32];
    int n = snprintf(alias, sizeof alias, "t%llu", (unsigned long long)t);
    attr(&r, IFLA_IFALIAS, alias, n + 1);
  }
  transact(fd, &r);
}

static int maker(int argc, char **argv) {
  if (argc < 6) return 2;
  int ifindex = (int)if_nametoindex(argv[2]);
  if (ifindex == 0) die(argv[2]);
  int link = (int)if_nametoindex(argv[3]);
  if (link == 0) die(argv[3]);
  int burst = !strcmp(argv[4], "burst");
  if (!burst && argc < 7) return 2;
  double rate = burst ? 0 : atof(argv[5]);
  long count = atol(argv[burst ? 5 : 6]);
  int fd = open_nl(0, 0);
  uint64_t first = 0, last = 0, start = mono_ns();
  uint64_t *links = calloc(count / 3 + 1, sizeof *links);
  long nlinks = 0;
  for (long i = 0; i < count; i++) {
    if (!burst) {
      // steady: change i at start + i/rate
      uint64_t due = start + (uint64_t)((double)i * 1e9 / rate);
      uint64_t now = mono_ns();
      if (due > now) {
        struct timespec ts = { .tv_sec = (time_t)((due - now) / 1000000000ull), .tv_nsec = (long)((due - now) % 1000000000ull) };
        nanosleep(&ts, NULL);
      }
    }
    uint64_t t = mono_ns();
    if (!first) first = t;
    last = t;
    int which = burst ? 1 : (int)(i % 3);
    if (which == 2) links[nlinks++] = t;
    change(fd, ifindex, link, which, i, t);
  }
  printf("{\"first\":%llu,\"last\":%llu,\"sent\":%ld,\"links\":[", (unsigned long long)first,
         (unsigned long long)last, count);
  for (long i = 0; i < nlinks; i++) printf("%s%llu", i ? "," : "", (unsigned long long)links[i]);
  printf("]}\n");
  return 0;
}

// ---------------------------------------------------------------------------
// the C reference listener

static volatile sig_atomic_t stop;
static void on_term(int s) {
  (void)s;
  stop = 1;
}

static uint64_t *samples;
static long nsamples, cap;

static void keep(uint64_t t, uint64_t now) {
  if (nsamples == cap) {
    cap = cap ? cap * 2 : 65536;
    samples = realloc(samples, cap * 2 * sizeof *samples);
    if (!samples) die("realloc");
  }
  samples[2 * nsamples] = t;
  samples[2 * nsamples + 1] = now - t;
  nsamples++;
}

static uint64_t low64(const unsigned char *a) {
  uint64_t t = 0;
  for (int i = 8; i < 16; i++) t = (t << 8) | a[i];
  return t;
}

static void message(struct nlmsghdr *h, uint64_t now) {
  int len = (int)h->nlmsg_len;
  if (h->nlmsg_type == RTM_NEWADDR) {
    struct ifaddrmsg *ifa = NLMSG_DATA(h);
    if (ifa->ifa_family != AF_INET6) return;
    int l = len - NLMSG_LENGTH(sizeof *ifa);
    for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, l); a = RTA_NEXT(a, l)) {
      if (a->rta_type == IFA_ADDRESS && RTA_PAYLOAD(a) == 16) {
        unsigned char *b = RTA_DATA(a);
        if (b[0] == 0x20 && b[1] == 0x01 && b[4] == 0 && b[5] == 0xa) keep(low64(b), now);
        return;
      }
    }
  } else if (h->nlmsg_type == RTM_NEWROUTE) {
    struct rtmsg *rt = NLMSG_DATA(h);
    if (rt->rtm_family != AF_INET6 || rt->rtm_dst_len != 128) return;
    int l = len - NLMSG_LENGTH(sizeof *rt);
    for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, l); a = RTA_NEXT(a, l)) {
      if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) == 16) {
        unsigned char *b = RTA_DATA(a);
        if (b[0] == 0x20 && b[1] == 0x01 && b[4] == 0 && b[5] == 0xb) keep(low64(b), now);
        return;
      }
    }
  } else if (h->nlmsg_type == RTM_NEWLINK) {
    struct ifinfomsg *ifi = NLMSG_DATA(h);
    int l = len - NLMSG_LENGTH(sizeof *ifi);
    for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, l); a = RTA_NEXT(a, l)) {
      if (a->rta_type == IFLA_IFALIAS) {
        const char *s = RTA_DATA(a);
        if (s[0] == 't') keep(strtoull(s + 1, NULL, 10), now);
        return;
      }
    }
  }
}

static int listener(void) {
  static char buf[1 << 20];
  int fd = open_nl(0, 8 << 20);
  join(fd, RTNLGRP_LINK);
  join(fd, RTNLGRP_IPV6_IFADDR);
  join(fd, RTNLGRP_IPV6_ROUTE);
  struct sigaction sa = { .sa_handler = on_term };
  sigaction(SIGTERM, &sa, NULL);
  printf("READY\n");
  fflush(stdout);
  long overruns = 0;
  struct pollfd p = { .fd = fd, .events = POLLIN };
  while (!stop) {
    int r = poll(&p, 1, 1000);
    if (r <= 0) continue;
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    uint64_t now = mono_ns();
    if (n < 0) {
      if (errno == ENOBUFS) overruns++;
      continue;
    }
    int len = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) message(h, now);
  }
  printf("{\"overruns\":%ld,\"samples\":[", overruns);
  for (long i = 0; i < nsamples; i++)
    printf("%s[%llu,%llu]", i ? "," : "", (unsigned long long)samples[2 * i], (unsigned long long)samples[2 * i + 1]);
  printf("]}\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && !strcmp(argv[1], "change")) return maker(argc, argv);
  if (argc >= 2 && !strcmp(argv[1], "listen")) return listener();
  fprintf(stderr, "usage: latency change DEV LINK trickle RATE COUNT | change DEV LINK burst COUNT | listen\n");
  return 2;
}
