/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spike's host: the smallest cid-form root scheduler that can carry
 * guests (sched_ext sub-schedulers, Linux 7.3). It exists to answer, on a
 * real kernel, what fsched's own scheduler must do to become a host; it is
 * not fsched's policy. docs/guests-spike.md says what it showed.
 *
 * Members of the root are its own tasks (one FIFO queue) and each attached
 * guest. A CPU whose local queue runs dry alternates between the two
 * kinds: after one of its own tasks it offers the CPU to the guests first
 * (scx_bpf_sub_dispatch, in attach order), after a guest it takes its own
 * queue first. With equal slices that is an equal split between "the host's
 * tasks" and "each guest", the RFC's 50/25/25 with one hog beside a guest
 * group of two. A weighted split needs the guest's CPU time, which the
 * host never sees (a guest's tasks do not pass through the host's
 * running/stopping): that is for the real host to solve.
 *
 * A guest gets ENQ_IMMED|ENQ|PREEMPT on every cid when it attaches: without
 * capabilities its tasks never reach a CPU and the watchdog ejects it.
 *
 * Costs: one shared queue; dispatch tries at most MAX_GUESTS guests.
 */
#include "fsched_guest.h"

char _license[] SEC("license") = "GPL";

const volatile u64 slice_ns = 5000000;

enum {
	HOST_DSQ = 0,
	MAX_GUESTS = 8,
	MAX_CIDS = 512,
	CMASK_WORDS = MAX_CIDS / 64,
	NR_TURN_SLOTS = 64,
};

FSCHED_GUEST_ARENA(1024);

/* Every cid, as the grant's cmask; filled in init. */
struct cmask_all {
	struct scx_cmask mask;
	u64 words[CMASK_WORDS];
};
struct cmask_all __arena all_cids;

u64 guest_cgid[MAX_GUESTS];
/* Per cid slot: whether the last thing started there was a host task. */
bool host_went_last[NR_TURN_SLOTS];

u64 nr_guest_dispatched, nr_host_dispatched, nr_attached, nr_detached;
s64 last_grant_err;

static bool offer_guests(void)
{
	u32 i;

	bpf_for(i, 0, MAX_GUESTS) {
		u64 cgid = guest_cgid[i];

		if (cgid && scx_bpf_sub_dispatch(cgid)) {
			__sync_fetch_and_add(&nr_guest_dispatched, 1);
			return true;
		}
	}
	return false;
}

static bool take_own(void)
{
	if (!scx_bpf_dsq_move_to_local(HOST_DSQ))
		return false;
	__sync_fetch_and_add(&nr_host_dispatched, 1);
	return true;
}

s32 BPF_STRUCT_OPS(host_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	FSCHED_TOUCH_ARENA();
	return prev_cid;
}

void BPF_STRUCT_OPS(host_enqueue, struct task_struct *p, u64 enq_flags)
{
	FSCHED_TOUCH_ARENA();
	scx_bpf_dsq_insert(p, HOST_DSQ, slice_ns, enq_flags);
}

void BPF_STRUCT_OPS(host_dispatch, s32 cid, struct task_struct *prev)
{
	u32 slot = (u32)cid % NR_TURN_SLOTS;
	bool host_first;

	FSCHED_TOUCH_ARENA();
	if (slot >= NR_TURN_SLOTS)
		return;
	host_first = !host_went_last[slot];
	if (host_first) {
		if (take_own()) {
			host_went_last[slot] = true;
			return;
		}
		if (offer_guests())
			host_went_last[slot] = false;
		return;
	}
	if (offer_guests()) {
		host_went_last[slot] = false;
		return;
	}
	if (take_own())
		host_went_last[slot] = true;
}

s32 BPF_STRUCT_OPS(host_sub_attach, struct scx_sub_attach_args *args)
{
	u64 cgid = args->ops->sub_cgroup_id;
	u32 i;

	FSCHED_TOUCH_ARENA();
	bpf_for(i, 0, MAX_GUESTS) {
		if (guest_cgid[i])
			continue;
		guest_cgid[i] = cgid;
		last_grant_err = scx_bpf_sub_grant(cgid, SCX_CAP_ENQ_IMMED | SCX_CAP_ENQ | SCX_CAP_PREEMPT,
						   (void *)(long)&all_cids.mask, NULL);
		__sync_fetch_and_add(&nr_attached, 1);
		return 0;
	}
	return -16; /* -EBUSY: no slot */
}

void BPF_STRUCT_OPS(host_sub_detach, struct scx_sub_detach_args *args)
{
	u64 cgid = args->ops->sub_cgroup_id;
	u32 i;

	FSCHED_TOUCH_ARENA();
	bpf_for(i, 0, MAX_GUESTS) {
		if (guest_cgid[i] == cgid)
			guest_cgid[i] = 0;
	}
	__sync_fetch_and_add(&nr_detached, 1);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(host_init)
{
	u32 nr = scx_bpf_nr_cids(), i;

	FSCHED_TOUCH_ARENA();
	if (nr > MAX_CIDS) {
		fsched_guest_error("more cids than the host's cmask holds");
		return -22;
	}
	all_cids.mask.base = 0;
	all_cids.mask.nr_cids = nr;
	all_cids.mask.alloc_words = CMASK_WORDS;
	bpf_for(i, 0, nr) {
		u32 w = i / 64;

		if (w < CMASK_WORDS)
			all_cids.words[w] |= 1ull << (i % 64);
	}
	return scx_bpf_create_dsq(HOST_DSQ, -1);
}

void BPF_STRUCT_OPS(host_exit, struct scx_exit_info *ei)
{
	FSCHED_TOUCH_ARENA();
}

SEC(".struct_ops.link")
struct sched_ext_ops_cid host_ops = {
	.select_cid = (void *)host_select_cid,
	.enqueue = (void *)host_enqueue,
	.dispatch = (void *)host_dispatch,
	.sub_attach = (void *)host_sub_attach,
	.sub_detach = (void *)host_sub_detach,
	.init = (void *)host_init,
	.exit = (void *)host_exit,
	.name = "fsched_spike_host",
};
