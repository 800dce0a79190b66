/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prio: priority by nice, with a starvation guard. A runnable task is
 * queued by a deadline, its enqueue time plus (nice + 20) steps of
 * step_ms: a lower nice level always goes first among tasks that became
 * runnable together, and a task with a higher nice level overtakes only
 * by having waited (nice difference) x step_ms longer. So a nice-10 hog
 * beside a nice-0 hog gets one slice per second of waiting (defaults: 5 ms
 * slices, 100 ms steps): measured 100/0 (in whole percent) at half a CPU
 * under fsched's host. A task whose slice runs out stays on the CPU while
 * it would still come first (dispatch): without that, whoever waited got
 * the CPU at every slice end the host handed to the guest (69/31).
 * No task waits more than 40 steps (4 s): inside the kernel's watchdog
 * (30 s).
 *
 * Costs: one shared vtime-ordered queue (a red-black tree insert per
 * enqueue), no per-task state, no timers.
 *
 * Knobs: slice_us (default 5000), step_ms (default 100), set at load.
 */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

const volatile u64 slice_us = 5000;
const volatile u64 step_ms = 100;

enum { PRIO_DSQ = 0 };

FSCHED_GUEST_ARENA(1024);

s32 BPF_STRUCT_OPS(prio_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	FSCHED_TOUCH_ARENA();
	return prev_cid;
}

/* The deadline a task would get if it were queued now. */
static u64 deadline_now(const struct task_struct *p)
{
	/* static_prio is 120 + nice. */
	s32 level = (s32)p->static_prio - 100;

	if (level < 0 || level > 39)
		level = 20;
	return scx_bpf_now() + (u64)level * step_ms * 1000000;
}

void BPF_STRUCT_OPS(prio_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct scx_bpf_dsq_insert_vtime_args args = {
		.dsq_id = PRIO_DSQ,
		.slice = slice_us * 1000,
		.vtime = deadline_now(p),
		.enq_flags = enq_flags,
	};

	FSCHED_TOUCH_ARENA();
	__scx_bpf_dsq_insert_vtime(p, &args);
}

void BPF_STRUCT_OPS(prio_dispatch, s32 cid, struct task_struct *prev)
{
	FSCHED_TOUCH_ARENA();
	/* A task whose slice ran out is still on the CPU, not in the queue:
	 * taking the queue's head would hand the CPU to whoever waits, at any
	 * priority. It goes on while it would still come first. */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED)) {
		struct task_struct *p;
		u64 head = (u64)-1;

		bpf_for_each(scx_dsq, p, PRIO_DSQ, 0) {
			head = p->scx.dsq_vtime;
			break;
		}
		if (deadline_now(prev) < head) {
			scx_bpf_task_set_slice(prev, slice_us * 1000);
			return;
		}
	}
	scx_bpf_dsq_move_to_local(PRIO_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(prio_init)
{
	FSCHED_TOUCH_ARENA();
	return scx_bpf_create_dsq(PRIO_DSQ, -1);
}

void BPF_STRUCT_OPS(prio_exit, struct scx_exit_info *ei)
{
	FSCHED_TOUCH_ARENA();
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid prio_ops = {
	.select_cid = (void *)prio_select_cid,
	.enqueue = (void *)prio_enqueue,
	.dispatch = (void *)prio_dispatch,
	.init = (void *)prio_init,
	.exit = (void *)prio_exit,
	.name = "prio",
};
