"""The query workers' sandbox: no network, bounded memory, a deep stack.

The endpoint refuses ``SERVICE`` on the parsed query, but the engine (pyoxigraph) can fetch
any URL a ``SERVICE`` clause names, so the workers are also made *unable* to reach the network:
a seccomp filter (Linux, x86-64 and AArch64) makes every call that could open a connection —
``socket``, ``socketpair``, ``connect``, io_uring set-up — fail with ``EACCES``, and forbids
reading or writing another process's memory. A worker keeps the one socket it inherited (to the
server); everything else it needs (the store, pipes, memory) involves no such call. The filter
is installed with ``PR_SET_NO_NEW_PRIVS``, needs no privilege and cannot be lifted.

See https://www.kernel.org/doc/html/latest/userspace-api/seccomp_filter.html for the interface.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import resource
import signal
import struct

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
X32_SYSCALL_BIT = 0x40000000

# Classic BPF opcodes (linux/filter.h) and the offsets of struct seccomp_data.
LOAD_WORD = 0x20  # BPF_LD | BPF_W | BPF_ABS
JUMP_EQUAL = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JUMP_AT_LEAST = 0x35  # BPF_JMP | BPF_JGE | BPF_K
RETURN = 0x06  # BPF_RET | BPF_K
NR_OFFSET, ARCH_OFFSET = 0, 4

# Per architecture: the audit arch value and the numbers of the calls refused.
ARCHITECTURES: dict[str, tuple[int, dict[str, int]]] = {
    "x86_64": (
        0xC000003E,
        {
            "socket": 41,
            "connect": 42,
            "socketpair": 53,
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "io_uring_setup": 425,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "socket": 198,
            "socketpair": 199,
            "connect": 203,
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "io_uring_setup": 425,
        },
    ),
}


def _instruction(code: int, jump_true: int, jump_false: int, value: int) -> bytes:
    return struct.pack("HBBI", code, jump_true, jump_false, value)


def filter_program(machine: str) -> bytes:
    """The BPF program refusing network and cross-process calls on ``machine``.

    A call from another architecture (a 32-bit ABI on a 64-bit kernel) is refused whole, as is
    the x32 ABI, so the numbers cannot be dodged.
    """
    arch, calls = ARCHITECTURES[machine]
    refused = sorted(calls.values())
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    # Layout: arch check, load nr, x32 check, one test per call, allow, deny.
    tests = len(refused)
    program = [
        _instruction(LOAD_WORD, 0, 0, ARCH_OFFSET),
        _instruction(JUMP_EQUAL, 0, tests + 3, arch),  # other arch: to deny
        _instruction(LOAD_WORD, 0, 0, NR_OFFSET),
        _instruction(JUMP_AT_LEAST, 1 + tests, 0, X32_SYSCALL_BIT),  # x32: to deny
    ]
    for position, number in enumerate(refused):
        to_deny = tests - position  # past the remaining tests and the allow
        program.append(_instruction(JUMP_EQUAL, to_deny, 0, number))
    program.append(_instruction(RETURN, 0, 0, SECCOMP_RET_ALLOW))
    program.append(_instruction(RETURN, 0, 0, deny))
    return b"".join(program)


class _Program(ctypes.Structure):
    _fields_ = [("length", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def deny_network() -> None:
    """Install the filter in this process (and its future children); raise OSError if not."""
    machine = platform.machine()
    if platform.system() != "Linux" or machine not in ARCHITECTURES:
        raise OSError(errno.ENOSYS, f"no seccomp filter for {platform.system()} {machine}")
    code = filter_program(machine)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = _Program(len(code) // 8, ctypes.addressof(buffer))
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(program))


def _prctl(option: int, *args: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
    padded = [*args, 0, 0, 0, 0][:4]  # unused arguments must be 0
    if libc.prctl(option, *padded) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies (Linux; elsewhere nothing)."""
    if platform.system() == "Linux":
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it maps now plus ``extra_bytes``.

    A forked worker shares the store it was forked with; the budget is what a query may add.
    """
    if extra_bytes <= 0:
        return
    mapped = 0
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                mapped = int(line.split()[1]) * 1024
    limit = mapped + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


__all__ = ["deny_network", "die_with_parent", "filter_program", "limit_memory"]
