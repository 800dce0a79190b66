/* SPDX-License-Identifier: GPL-2.0 */
/* The spike's hostile guest: ends itself with scx_bpf_error() on the first
 * task it is given, to show that the kernel ejects it alone. */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

FSCHED_GUEST_ARENA(1024);

void BPF_STRUCT_OPS(bad_enqueue, struct task_struct *p, u64 enq_flags)
{
	FSCHED_TOUCH_ARENA();
	fsched_guest_error("bad_guest: failing on purpose");
}

void BPF_STRUCT_OPS(bad_dispatch, s32 cid, struct task_struct *prev)
{
	FSCHED_TOUCH_ARENA();
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid bad_ops = {
	.enqueue = (void *)bad_enqueue,
	.dispatch = (void *)bad_dispatch,
	.name = "bad_guest",
};
