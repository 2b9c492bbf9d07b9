/*
 * runstat OUT NSPATH CMD ARGS...: enters the network namespace at NSPATH
 * ("-" for none), runs CMD, and writes its whole-process wall time, peak RSS
 * and CPU time (from wait4's rusage) to OUT as JSON. Entering the namespace
 * here, not through `ip netns exec`, keeps every peer's start-up equal.
 * SIGTERM/SIGINT are forwarded to the child.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child = -1;
static void forward(int sig) { if (child > 0) kill(child, sig); }

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: runstat OUT NSPATH CMD...\n"); return 2; }
  if (strcmp(argv[2], "-") != 0) {
    int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) { perror("runstat: setns"); return 2; }
    close(fd);
  }
  signal(SIGTERM, forward);
  signal(SIGINT, forward);
  double t0 = now_ms();
  child = fork();
  if (child == 0) {
    execvp(argv[3], argv + 3);
    perror("runstat: exec");
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  while (wait4(child, &status, 0, &ru) < 0) {}
  double wall = now_ms() - t0;
  FILE *f = fopen(argv[1], "w");
  if (!f) { perror("runstat: out"); return 2; }
  fprintf(f,
    "{\"wallMs\":%.3f,\"maxRssKb\":%ld,\"userMs\":%.3f,\"sysMs\":%.3f,\"exit\":%d,\"signal\":%d}\n",
    wall, ru.ru_maxrss,
    ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
    ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3,
    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  fclose(f);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
