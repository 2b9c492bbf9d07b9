#!/bin/bash
# vm.sh - run one command inside a throw-away QEMU guest booting a cached stock
# Debian kernel (full module set: vrf, bond, netem, wireguard, macsec, netkit, ...).
#
#   usage: test/kernel/vm.sh [--kernel ALIAS] [--timeout SECONDS] [--] command [args...]
#
# ALIAS: 6.1 | 6.12 | 7 (see fetch-kernel.sh; default $NLINK_KERNEL or 6.12).
# The command runs as root in the guest, in the same working directory, with the
# same exported environment (plus NLINK_VM=1, NLINK_VM_KVER), stdin /dev/null.
# Its stdout/stderr are streamed back separately (virtio-serial ports), and
# vm.sh exits with its status; 124 = timeout, 125 = VM/infrastructure failure.
#
# Guest file system:
#   /              overlay: host / over 9p (read-only, cache=loose) + tmpfs upper;
#                  writes succeed but are discarded at exit
#   <project>      (the dir two levels above this script) shared READ-WRITE, except
#                  <project>/node_modules which stays on the fast read-only root
#                  (see NLINK_VM_FAST_RO)
#   /tmp /run /dev/shm   fresh tmpfs;  /proc /sys /dev cgroup2 bpffs tracefs fresh
#   /lib/modules/$(uname -r)  the kernel's depmod'ed modules: autoloading works
#   network: only lo (up)
#
# Knobs (environment):
#   NLINK_KERNEL       default kernel alias (6.12)
#   NLINK_VM_MEM       guest memory (1G)          NLINK_VM_SMP  vCPUs (1)
#   NLINK_VM_TIMEOUT   seconds before the VM is killed (exit 124); --timeout wins
#   NLINK_VM_ACCEL     kvm|tcg (default: kvm only if /dev/kvm is usable AND cpuinfo
#                      has vmx/svm AND no kvm_pvm module is loaded; else tcg)
#   NLINK_VM_CPU       qemu -cpu (host for kvm, max for tcg)
#   NLINK_VM_RW        extra host dirs shared read-write (colon separated)
#   NLINK_VM_FAST_RO   project subdirs kept on the read-only root (default
#                      "node_modules"; set to "" to share them read-write too)
#   NLINK_VM_NO_PVH=1  boot vmlinuz instead of the cached decompressed ELF vmlinux
#   NLINK_VM_APPEND    extra kernel command line
#   NLINK_VM_DEBUG=1   print the guest console (kernel log) and qemu log on stderr
#   NLINK_VM_TIMING=1  print boot/command timings on stderr
#   NLINK_KERNEL_CACHE kernel cache (see fetch-kernel.sh)
#
# Host packages: apt-get install -y --no-install-recommends qemu-system-x86 busybox-static kmod
set -euo pipefail

die() { echo "vm.sh: $*" >&2; exit 125; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$HERE/../.." && pwd -P)
ALIAS=${NLINK_KERNEL:-6.12}
TIMEOUT=${NLINK_VM_TIMEOUT:-}
while [ $# -gt 0 ]; do
  case $1 in
    --kernel)  [ $# -ge 2 ] || die "--kernel needs an alias"; ALIAS=$2; shift 2 ;;
    --kernel=*) ALIAS=${1#*=}; shift ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; TIMEOUT=$2; shift 2 ;;
    --timeout=*) TIMEOUT=${1#*=}; shift ;;
    --) shift; break ;;
    -*) die "unknown option $1 (usage: vm.sh [--kernel ALIAS] [--timeout S] -- command...)" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || die "usage: vm.sh [--kernel ALIAS] [--timeout SECONDS] -- command [args...]"
[ "$(id -u)" = 0 ] || die "must run as root (9p passthrough of /, apt for the kernel)"

PKGS="qemu-system-x86 busybox-static kmod"
missing=""
command -v qemu-system-x86_64 >/dev/null || missing="$missing qemu-system-x86_64(qemu-system-x86)"
command -v depmod >/dev/null && command -v modprobe >/dev/null || missing="$missing depmod/modprobe(kmod)"
BUSYBOX=/bin/busybox
if [ ! -x $BUSYBOX ]; then missing="$missing /bin/busybox(busybox-static)"
elif head -c 8192 $BUSYBOX | grep -aq 'ld-linux'; then missing="$missing static-/bin/busybox(busybox-static; the installed busybox is dynamic)"; fi
[ -z "$missing" ] || die "missing:$missing
  install with: apt-get install -y --no-install-recommends $PKGS"

# ---------------------------------------------------------------- kernel
TREE=$("$HERE/fetch-kernel.sh" "$ALIAS") || exit 125
find_kernel() { # $1 tree -> KVER VMLINUZ MODDIR
  local d=$1 v
  for v in "$d"/usr/lib/modules/* "$d"/lib/modules/*; do
    [ -d "$v/kernel" ] || continue
    KVER=${v##*/}; MODDIR=$v
    if [ -f "$v/vmlinuz" ]; then VMLINUZ=$v/vmlinuz
    elif [ -f "$v/vmlinuz.unsigned" ]; then VMLINUZ=$v/vmlinuz.unsigned
    elif [ -f "$d/boot/vmlinuz-$KVER" ]; then VMLINUZ=$d/boot/vmlinuz-$KVER
    else continue; fi
    return 0
  done
  return 1
}
find_kernel "$TREE" || die "no kernel (vmlinuz + modules) under $TREE"
DEPROOT=${MODDIR%/lib/modules/$KVER}
[ -f "$MODDIR/modules.dep.bin" ] || die "$MODDIR has no modules.dep.bin (rerun fetch-kernel.sh)"
[ "${NLINK_VM_NO_PVH:-0}" != 1 ] && [ -s "$MODDIR/nlink-vmlinux" ] && VMLINUZ=$MODDIR/nlink-vmlinux

# ---------------------------------------------------------------- initramfs (cached per kernel + init)
MODS=$(modprobe -d "$DEPROOT" -S "$KVER" --show-depends -a virtio_pci virtio_console 9pnet_virtio 9p overlay 2>/dev/null |
       awk '$1=="insmod"{print $2}' | awk '!s[$0]++') ||
  die "kernel $KVER lacks 9p/virtio/overlay modules (cloud flavours lack 9p: use the generic amd64 one)"
HASH=$( { cat "$HERE/guest/init"; echo "$MODS"; sha1sum "$BUSYBOX"; } | sha1sum | cut -c1-12)
INITRD=$MODDIR/nlink-initramfs-$HASH.cpio
# Two VMs of one kernel may start together (lane.sh shards): one builds, the other
# waits, so that neither removes the cpio the other is about to boot.
exec 8>"$MODDIR/.nlink-initramfs.lock"
flock 8
if [ ! -s "$INITRD" ]; then
  ird=$(mktemp -d); trap 'rm -rf "$ird"' EXIT
  mkdir -p "$ird"/{bin,dev,proc,sys,mod,ctl,lower,upper,newroot,keep}
  cp $BUSYBOX "$ird/bin/busybox"
  cp "$HERE/guest/init" "$ird/init"; chmod 755 "$ird/init"
  n=10
  for f in $MODS; do
    b=${f##*/}; b=${b%%.ko*}
    case $f in
      *.ko.xz)  xz -dc "$f"    > "$ird/mod/$n-$b.ko" ;;
      *.ko.zst) zstd -qdc "$f" > "$ird/mod/$n-$b.ko" ;;
      *.ko.gz)  gzip -dc "$f"  > "$ird/mod/$n-$b.ko" ;;
      *)        cp "$f" "$ird/mod/$n-$b.ko" ;;
    esac || die "cannot unpack $f (xz-utils/zstd installed?)"
    n=$((n+1))
  done
  rm -f "$MODDIR"/nlink-initramfs-*.cpio
  (cd "$ird" && find . | $BUSYBOX cpio -o -H newc 2>/dev/null) > "$INITRD.tmp$$" && mv "$INITRD.tmp$$" "$INITRD"
  rm -rf "$ird"; trap - EXIT
fi
flock -u 8; exec 8>&-

# ---------------------------------------------------------------- per-run state
T=$(mktemp -d "${TMPDIR:-/tmp}/nlink.vm.XXXXXX")
QPID=""; COUT=""; CERR=""
cleanup() {
  [ -n "$QPID" ] && kill "$QPID" 2>/dev/null || true
  [ -n "$COUT" ] && kill "$COUT" 2>/dev/null || true
  [ -n "$CERR" ] && kill "$CERR" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RWDIRS=("$PROJECT")
IFS=: read -r -a extra <<< "${NLINK_VM_RW:-}"
for d in "${extra[@]}"; do
  [ -n "$d" ] || continue
  d=$(cd "$d" && pwd -P) || die "NLINK_VM_RW: no such dir"
  [ "$d" != / ] || die "refusing to share / read-write"
  RWDIRS+=("$d")
done
{
  printf 'NLINK_KVER=%q\nNLINK_MODDIR=%q\nNLINK_RW_N=%d\n' "$KVER" "$MODDIR" "${#RWDIRS[@]}"
  printf 'NLINK_FAST_RO=%q\n' "${NLINK_VM_FAST_RO-node_modules}"
  for i in "${!RWDIRS[@]}"; do printf 'NLINK_RW_%d=%q\n' "$i" "${RWDIRS[$i]}"; done
} > "$T/config"
{
  echo '#!/bin/bash'
  # the host environment, minus read-only bash variables and session plumbing
  export -p | grep -Ev '^declare -[a-zA-Z]*r' |
    grep -Ev '^declare -x (SSH_[A-Z_]*|DISPLAY|XAUTHORITY|DBUS_SESSION_BUS_ADDRESS|XDG_RUNTIME_DIR|TMUX|TMUX_PANE|WAYLAND_DISPLAY)(=|$)' || true
  printf 'export NLINK_VM=1 NLINK_VM_KVER=%q\n' "$KVER"
  printf 'cd %q || exit 125\n' "$(pwd -P)"
  printf 'exec'; printf ' %q' "$@"; echo
} > "$T/cmd.sh"
cat > "$T/guest.sh" <<'GUEST'
#!/bin/sh
# PID 1 in the guest after switch_root
cut -d' ' -f1 /proc/uptime > /run/nlink/t-start
/bin/bash /run/nlink/cmd.sh >"$NLINK_OUT" 2>"$NLINK_ERR" </dev/null
echo $? > /run/nlink/status
cut -d' ' -f1 /proc/uptime > /run/nlink/t-end
sync
echo o > /proc/sysrq-trigger
sleep 30
GUEST

mkfifo "$T/out" "$T/err"
cat "$T/out" & COUT=$!
cat "$T/err" >&2 & CERR=$!

ACCEL=${NLINK_VM_ACCEL:-}
if [ -z "$ACCEL" ]; then
  # Plain KVM needs VT-x/AMD-V. A /dev/kvm without vmx/svm in cpuinfo (e.g. the
  # PVM "kvm_pvm" module of some sandboxes) only runs PVM-patched guests: a stock
  # kernel never finishes booting there. Use TCG (software emulation) instead.
  if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && [ ! -d /sys/module/kvm_pvm ]; then
    ACCEL=kvm; else ACCEL=tcg; fi
fi
if [ "$ACCEL" = kvm ]; then CPU=${NLINK_VM_CPU:-host}; else CPU=${NLINK_VM_CPU:-max}; fi

# clocksource=hpet: under TCG the guest calibrates its TSC against the emulated
# HPET/PIT at boot; on a loaded host that calibration can be off several times
# (a 6.1 guest's clock once ran 4.4x fast: 755 s of guest time in 172 s), which
# breaks timeouts, lifetimes and the lane's timings. QEMU's HPET follows the
# host clock; reading it costs ~10 us against ~8 us for the TSC under TCG.
APPEND="console=ttyS0 rdinit=/init panic=-1 oops=panic quiet loglevel=3 mitigations=off tsc=reliable clocksource=hpet no_timer_check i8042.noaux i8042.nokbd i8042.nopnp random.trust_cpu=on ${NLINK_VM_APPEND:-}"
[ "${NLINK_VM_DEBUG:-0}" = 1 ] && APPEND="${APPEND/ quiet loglevel=3/ loglevel=7}"

qpath() { printf '%s' "${1//,/,,}"; }   # qemu option values: ',' must be doubled
QEMU=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
  -machine "q35,accel=$ACCEL" -cpu "$CPU" -smp "${NLINK_VM_SMP:-1}" -m "${NLINK_VM_MEM:-1G}"
  -kernel "$VMLINUZ" -initrd "$INITRD" -append "$APPEND"
  -serial "file:$T/console.log"
  -fsdev local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap
  -device virtio-9p-pci,fsdev=fsroot,mount_tag=nlinkroot
  -fsdev local,id=fsctl,path="$(qpath "$T")",security_model=none,multidevs=remap
  -device virtio-9p-pci,fsdev=fsctl,mount_tag=nlinkctl
  -device virtio-serial-pci
  -chardev file,id=cout,path="$T/out" -device virtserialport,chardev=cout,name=nlink.out,nr=1
  -chardev file,id=cerr,path="$T/err" -device virtserialport,chardev=cerr,name=nlink.err,nr=2)
for i in "${!RWDIRS[@]}"; do
  QEMU+=(-fsdev local,id=fsrw$i,path="$(qpath "${RWDIRS[$i]}")",security_model=none,multidevs=remap
         -device virtio-9p-pci,fsdev=fsrw$i,mount_tag=nlinkrw$i)
done
[ -n "$TIMEOUT" ] && QEMU=(timeout -k 5 "$TIMEOUT" "${QEMU[@]}")

t0=$(date +%s.%N)
set +e
"${QEMU[@]}" </dev/null >"$T/qemu.log" 2>&1 &
QPID=$!
wait $QPID; qrc=$?
QPID=""
wait $COUT $CERR 2>/dev/null; COUT=""; CERR=""
set -e
t1=$(date +%s.%N)

if [ "${NLINK_VM_DEBUG:-0}" = 1 ]; then
  echo "----- guest console (qemu rc=$qrc) -----" >&2; cat "$T/console.log" "$T/qemu.log" >&2 || true
fi
if [ "${NLINK_VM_TIMING:-0}" = 1 ] && [ -f "$T/t-start" ] && [ -f "$T/t-end" ]; then
  awk -v t0="$t0" -v t1="$t1" -v s="$(cat "$T/t-start")" -v e="$(cat "$T/t-end")" -v k="$KVER" -v a="$ACCEL" \
    'BEGIN{printf "vm.sh: kernel %s (%s): guest uptime at command start %.2fs, command %.2fs, VM wall total %.2fs\n", k, a, s, e-s, t1-t0}' >&2
fi
if [ -f "$T/status" ]; then
  exit "$(cat "$T/status")"
fi
if [ $qrc = 124 ]; then
  echo "vm.sh: timeout after ${TIMEOUT}s (kernel $KVER); VM killed" >&2
  exit 124
fi
echo "vm.sh: VM FAILURE: guest ended without a command status (kernel $KVER, accel $ACCEL, qemu rc=$qrc)" >&2
sed 's/^/vm.sh: qemu: /' "$T/qemu.log" >&2 || true
[ -f "$T/console.log" ] && tail -n 40 "$T/console.log" | sed 's/^/vm.sh: console: /' >&2
exit 125
