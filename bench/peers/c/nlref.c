/*
 * The near-kernel reference: plain netlink sockets, no library. Every ratio in
 * the benchmark is taken against this program, so it does what a careful C
 * program would do and nothing more: parse each message's attributes into a
 * struct (the C equivalent of a typed object), and one request+ack at a time.
 *
 *   nlref setup            socket set-up time (first, then mean of 1000)
 *   nlref w1 [stream]      dump IPv4 routes of all tables (stream: keep none)
 *   nlref w2               dump links
 *   nlref w3 DEV N         add then delete N addresses, one ack at a time
 *   nlref w4 EXPECTED      count RTM_NEWADDR events until EXPECTED or idle
 *
 * Prints one JSON line.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}
static double cpu_us(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}
static long peak_rss_kb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}
static void die(const char *what) { perror(what); exit(1); }

static int open_nl(unsigned groups, int rcvbuf) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
  if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) die("bind");
  socklen_t len = sizeof sa;
  if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0) die("getsockname");
  return fd;
}

#define BUFSZ (64 * 1024)
static unsigned char buf[BUFSZ] __attribute__((aligned(8)));

struct route {
  uint32_t dst, gw, prefsrc, oif, priority, table;
  uint8_t family, dst_len, src_len, tos, protocol, scope, type;
  uint32_t flags;
};
struct link {
  int index;
  unsigned flags, mtu, txqlen, master, link;
  uint8_t operstate;
  char name[IFNAMSIZ];
  unsigned char addr[32];
  int addr_len;
};

static struct route *routes;
static size_t nroutes, caproutes;
static struct link *links;
static size_t nlinks, caplinks;

static void parse_route(struct nlmsghdr *h, struct route *r) {
  struct rtmsg *rtm = NLMSG_DATA(h);
  memset(r, 0, sizeof *r);
  r->family = rtm->rtm_family; r->dst_len = rtm->rtm_dst_len; r->src_len = rtm->rtm_src_len;
  r->tos = rtm->rtm_tos; r->table = rtm->rtm_table; r->protocol = rtm->rtm_protocol;
  r->scope = rtm->rtm_scope; r->type = rtm->rtm_type; r->flags = rtm->rtm_flags;
  int len = RTM_PAYLOAD(h);
  for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    switch (a->rta_type) {
    case RTA_DST: memcpy(&r->dst, RTA_DATA(a), 4); break;
    case RTA_GATEWAY: memcpy(&r->gw, RTA_DATA(a), 4); break;
    case RTA_PREFSRC: memcpy(&r->prefsrc, RTA_DATA(a), 4); break;
    case RTA_OIF: r->oif = *(uint32_t *)RTA_DATA(a); break;
    case RTA_PRIORITY: r->priority = *(uint32_t *)RTA_DATA(a); break;
    case RTA_TABLE: r->table = *(uint32_t *)RTA_DATA(a); break;
    }
  }
}

static void parse_link(struct nlmsghdr *h, struct link *l) {
  struct ifinfomsg *ifi = NLMSG_DATA(h);
  memset(l, 0, sizeof *l);
  l->index = ifi->ifi_index; l->flags = ifi->ifi_flags;
  int len = IFLA_PAYLOAD(h);
  for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    switch (a->rta_type) {
    case IFLA_IFNAME: strncpy(l->name, RTA_DATA(a), IFNAMSIZ - 1); break;
    case IFLA_MTU: l->mtu = *(uint32_t *)RTA_DATA(a); break;
    case IFLA_TXQLEN: l->txqlen = *(uint32_t *)RTA_DATA(a); break;
    case IFLA_MASTER: l->master = *(uint32_t *)RTA_DATA(a); break;
    case IFLA_LINK: l->link = *(uint32_t *)RTA_DATA(a); break;
    case IFLA_OPERSTATE: l->operstate = *(uint8_t *)RTA_DATA(a); break;
    case IFLA_ADDRESS:
      l->addr_len = RTA_PAYLOAD(a) < 32 ? RTA_PAYLOAD(a) : 32;
      memcpy(l->addr, RTA_DATA(a), l->addr_len);
      break;
    }
  }
}

/* Sends a dump request and parses every reply; returns the message count. */
static size_t dump(int fd, int type, void *hdr, size_t hdrlen, int keep) {
  struct { struct nlmsghdr h; unsigned char body[64]; } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_len = NLMSG_LENGTH(hdrlen);
  req.h.nlmsg_type = type;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 1;
  memcpy(req.body, hdr, hdrlen);
  if (send(fd, &req, req.h.nlmsg_len, 0) < 0) die("send");
  size_t count = 0;
  for (;;) {
    ssize_t n = recv(fd, buf, BUFSZ, 0);
    if (n < 0) { if (errno == EINTR) continue; die("recv"); }
    int len = (int)n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return count;
      if (h->nlmsg_type == NLMSG_ERROR) { fprintf(stderr, "dump error\n"); exit(1); }
      if (h->nlmsg_type == RTM_NEWROUTE) {
        struct route r, *rp = &r;
        if (keep) {
          if (nroutes == caproutes) {
            caproutes = caproutes ? caproutes * 2 : 1024;
            routes = realloc(routes, caproutes * sizeof *routes);
          }
          rp = &routes[nroutes++];
        }
        parse_route(h, rp);
        count++;
      } else if (h->nlmsg_type == RTM_NEWLINK) {
        if (nlinks == caplinks) {
          caplinks = caplinks ? caplinks * 2 : 256;
          links = realloc(links, caplinks * sizeof *links);
        }
        parse_link(h, &links[nlinks++]);
        count++;
      }
    }
  }
}

static int request_ack(int fd, struct nlmsghdr *h) {
  if (send(fd, h, h->nlmsg_len, 0) < 0) die("send");
  for (;;) {
    ssize_t n = recv(fd, buf, BUFSZ, 0);
    if (n < 0) { if (errno == EINTR) continue; die("recv"); }
    int len = (int)n;
    for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, len); r = NLMSG_NEXT(r, len)) {
      if (r->nlmsg_type == NLMSG_ERROR && r->nlmsg_seq == h->nlmsg_seq) {
        struct nlmsgerr *e = NLMSG_DATA(r);
        return e->error;
      }
    }
  }
}

static void addr_req(int fd, int type, int flags, int ifindex, uint32_t addr, uint32_t seq) {
  struct { struct nlmsghdr h; struct ifaddrmsg ifa; unsigned char attrs[64]; } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_type = type;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  req.h.nlmsg_seq = seq;
  req.ifa.ifa_family = AF_INET;
  req.ifa.ifa_prefixlen = 32;
  req.ifa.ifa_index = ifindex;
  size_t off = NLMSG_LENGTH(sizeof req.ifa);
  for (int t = IFA_LOCAL; t >= IFA_ADDRESS; t--) {
    struct rtattr *a = (struct rtattr *)((char *)&req + off);
    a->rta_type = t;
    a->rta_len = RTA_LENGTH(4);
    memcpy(RTA_DATA(a), &addr, 4);
    off += RTA_ALIGN(a->rta_len);
  }
  req.h.nlmsg_len = off;
  int err = request_ack(fd, &req.h);
  if (err != 0) { errno = -err; die(type == RTM_NEWADDR ? "RTM_NEWADDR" : "RTM_DELADDR"); }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *w = argv[1];
  if (!strcmp(w, "setup")) {
    double t0 = now_us();
    close(open_nl(0, 1 << 20));
    double first = now_us() - t0;
    t0 = now_us();
    for (int i = 0; i < 1000; i++) close(open_nl(0, 1 << 20));
    printf("{\"firstUs\":%.3f,\"meanUs\":%.3f}\n", first, (now_us() - t0) / 1000);
  } else if (!strcmp(w, "w1")) {
    int keep = !(argc > 2 && !strcmp(argv[2], "stream"));
    int fd = open_nl(0, 1 << 20);
    struct rtmsg rtm = { .rtm_family = AF_INET };
    double t0 = now_us();
    size_t n = dump(fd, RTM_GETROUTE, &rtm, sizeof rtm, keep);
    double ms = (now_us() - t0) / 1e3;
    printf("{\"count\":%zu,\"ms\":%.3f,\"peakRssKb\":%ld}\n", n, ms, peak_rss_kb());
  } else if (!strcmp(w, "w2")) {
    int fd = open_nl(0, 1 << 20);
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    double t0 = now_us();
    size_t n = dump(fd, RTM_GETLINK, &ifi, sizeof ifi, 1);
    double ms = (now_us() - t0) / 1e3;
    printf("{\"count\":%zu,\"ms\":%.3f}\n", n, ms);
  } else if (!strcmp(w, "w3") && argc >= 4) {
    int ifindex = if_nametoindex(argv[2]);
    int n = atoi(argv[3]);
    if (!ifindex) die("if_nametoindex");
    int fd = open_nl(0, 1 << 20);
    uint32_t seq = 1;
    double t0 = now_us();
    for (int i = 0; i < n; i++)
      addr_req(fd, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, htonl(0x0ac80000 + i + 1), seq++);
    for (int i = 0; i < n; i++)
      addr_req(fd, RTM_DELADDR, 0, ifindex, htonl(0x0ac80000 + i + 1), seq++);
    double ms = (now_us() - t0) / 1e3;
    printf("{\"ops\":%d,\"ms\":%.3f}\n", 2 * n, ms);
  } else if (!strcmp(w, "w4") && argc >= 3) {
    long expected = atol(argv[2]);
    int fd = open_nl(1 << (RTNLGRP_IPV4_IFADDR - 1), 8 << 20);
    printf("READY\n");
    fflush(stdout);
    long received = 0, overruns = 0;
    double c0 = 0, t0 = 0, tlast = 0, clast = 0;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    while (received < expected) {
      int r = poll(&p, 1, received ? 3000 : 20000);
      if (r == 0) break;
      ssize_t n = recv(fd, buf, BUFSZ, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) { overruns++; continue; }
        if (errno == EAGAIN || errno == EINTR) continue;
        die("recv");
      }
      if (!received) { t0 = now_us(); c0 = cpu_us(); }
      int len = (int)n;
      for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
        if (h->nlmsg_type == RTM_NEWADDR) received++;
      tlast = now_us();
      clast = cpu_us();
    }
    printf("{\"received\":%ld,\"overruns\":%ld,\"cpuUs\":%.1f,\"ms\":%.3f}\n", received, overruns,
           clast - c0, (tlast - t0) / 1e3);
  } else {
    return 2;
  }
  return 0;
}
