/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest the verifier refuses, for the tests: it dereferences a map
 * lookup without checking it for NULL. Loading it must fail with EINVAL
 * and the verifier's reason, and leave nothing behind.
 */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

FSCHED_GUEST_ARENA(1024);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

void BPF_STRUCT_OPS(unverifiable_enqueue, struct task_struct *p, u64 enq_flags)
{
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&counts, &zero);

	FSCHED_TOUCH_ARENA();
	(*n)++;
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, 5000000, enq_flags);
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid unverifiable_ops = {
	.enqueue = (void *)unverifiable_enqueue,
	.name = "unverifiable",
};
