/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a guest scheduler includes: the kernel's types (vmlinux.h from a
 * kernel with sched_ext sub-schedulers, 7.3 on), libbpf's helpers, and the
 * few things every cid-form sched_ext program must get right and that are
 * easy to get wrong:
 *
 * - A sub-scheduler is cid-form (`struct sched_ext_ops_cid`, callbacks
 *   take dense cids, not cpu numbers) and its programs reference exactly
 *   one BPF arena map, or the kernel refuses the attach with a bare
 *   EINVAL. FSCHED_GUEST_ARENA() declares it; call FSCHED_TOUCH_ARENA()
 *   first thing in every callback, so every program references it.
 * - Error format strings must be in writable .data: fsched_guest_error()
 *   puts them there.
 * - Queue by vtime with __scx_bpf_dsq_insert_vtime(p, &args): the kernel
 *   ejects a cid-form scheduler that calls scx_bpf_dsq_insert_vtime()
 *   ("__scx_bpf_dsq_insert_vtime() must be used").
 * - cpu-form kfuncs (scx_bpf_task_cpu, scx_bpf_kick_cpu, the idle cpumask
 *   getters, scx_bpf_select_cpu_dfl) are refused by the verifier: use
 *   scx_bpf_task_cid, scx_bpf_kick_cid.
 *
 * A guest runs only on the CPUs (cids) its host granted it, only when the
 * host hands it a CPU (the host's dispatch calls scx_bpf_sub_dispatch), and
 * a guest that errors or stalls is ejected alone: its tasks go back to the
 * host. See docs/guests.md.
 */
#ifndef FSCHED_GUEST_H
#define FSCHED_GUEST_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define __arena __attribute__((address_space(1)))

#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/* The object's one arena: `pages` pages of 4 KiB of address space, backed
 * only where touched. The kernel allocates its own per-shard cid masks in
 * it when the scheduler is enabled (too small: enable fails with ENOMEM),
 * so leave room: 1024 pages is what the examples use. */
#define FSCHED_GUEST_ARENA(pages)                                              \
	struct {                                                               \
		__uint(type, BPF_MAP_TYPE_ARENA);                              \
		__uint(map_flags, BPF_F_MMAPABLE);                             \
		__uint(max_entries, pages);                                    \
		__ulong(map_extra, 1ull << 44);                                \
	} fsched_arena SEC(".maps")

/* A reference to the arena from the calling program; costs no instruction
 * at run time beyond one register load. */
#define FSCHED_TOUCH_ARENA() asm volatile("" ::"r"(&fsched_arena))

/* Ends this scheduler with `msg` as the reason (a literal, no arguments). */
#define fsched_guest_error(msg)                                                \
	({                                                                     \
		static char ___fmt[] = msg;                                    \
		unsigned long long ___arg[1] = {};                             \
		scx_bpf_error_bstr(___fmt, ___arg, sizeof(___arg));            \
	})

#endif /* FSCHED_GUEST_H */
