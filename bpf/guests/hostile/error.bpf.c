/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hostile guest for the tests: ends itself with scx_bpf_error at its
 * first enqueue. The kernel ejects it alone; its tasks go back to the host.
 */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

FSCHED_GUEST_ARENA(1024);

s32 BPF_STRUCT_OPS(error_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	FSCHED_TOUCH_ARENA();
	return prev_cid;
}

void BPF_STRUCT_OPS(error_enqueue, struct task_struct *p, u64 enq_flags)
{
	FSCHED_TOUCH_ARENA();
	fsched_guest_error("failing on purpose");
}

s32 BPF_STRUCT_OPS_SLEEPABLE(error_init)
{
	FSCHED_TOUCH_ARENA();
	return 0;
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid error_ops = {
	.select_cid = (void *)error_select_cid,
	.enqueue = (void *)error_enqueue,
	.init = (void *)error_init,
	.name = "error",
};
