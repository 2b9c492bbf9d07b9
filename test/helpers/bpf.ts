/**
 * Loads tiny BPF programs for tests that attach one (XDP, lwt route encap,
 * tc bpf filters/actions): `r0 = ret; exit`, through the bpf(2) syscall.
 * Tests own the fd and close it with `closeProgram`.
 */
import koffi from "koffi"

const SYS_BPF = 321 // x86_64
const BPF_PROG_LOAD = 5
const EAGAIN = 11

/** Program types (enum bpf_prog_type). */
export const ProgramType = {
  socketFilter: 1,
  schedCls: 3,
  schedAct: 4,
  xdp: 6,
  lwtIn: 10,
  lwtOut: 11,
  lwtXmit: 12
} as const

let libc:
  | { syscall: (...a: Array<unknown>) => number; close: (fd: number) => number; errno: () => number }
  | undefined
const lib = () => {
  if (libc === undefined) {
    const l = koffi.load("libc.so.6")
    const errnoLoc = l.func("int *__errno_location()")
    libc = {
      syscall: l.func("long syscall(long, int, void *, uint32_t)"),
      close: l.func("int close(int)"),
      errno: () => koffi.decode(errnoLoc(), "int") as number
    }
  }
  return libc
}

/**
 * Loads `r0 = ret; exit` as a program of `type`; returns its fd, or throws
 * with errno (EPERM when bpf() is not allowed here).
 */
export const loadProgram = (type: number, ret = 0, name = "nlink_test"): number => {
  // BPF_MOV64_IMM r0, ret ; BPF_EXIT_INSN
  const insns = Buffer.alloc(16)
  insns[0] = 0xb7
  insns.writeInt32LE(ret, 4)
  insns[8] = 0x95
  const license = Buffer.from("GPL\0")
  // union bpf_attr for BPF_PROG_LOAD: prog_type u32, insn_cnt u32, insns u64,
  // license u64, log_level u32, log_size u32, log_buf u64, kern_version u32,
  // prog_flags u32, prog_name char[16] (at 48)
  const attr = Buffer.alloc(128)
  attr.writeUInt32LE(type, 0)
  attr.writeUInt32LE(2, 4)
  attr.writeBigUInt64LE(BigInt(koffi.address(insns)), 8)
  attr.writeBigUInt64LE(BigInt(koffi.address(license)), 16)
  attr.write(name.slice(0, 15), 48, "latin1")
  const l = lib()
  // the kernel answers EAGAIN when the load was interrupted (a signal); try again as libbpf does
  for (let attempt = 1; ; attempt++) {
    const fd = Number(l.syscall(SYS_BPF, BPF_PROG_LOAD, attr, attr.length))
    if (fd >= 0) return fd
    const errno = l.errno()
    if (errno !== EAGAIN || attempt === 5)
      throw new Error(`bpf(BPF_PROG_LOAD, type ${type}) failed: errno ${errno}`)
  }
}

/** Closes a program fd from `loadProgram`. */
export const closeProgram = (fd: number): void => {
  lib().close(fd)
}
