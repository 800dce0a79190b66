/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Idle CPUs for the cid form (fsched_host.bpf.h): the cid form has no
 * built-in idle tracking for a scheduler to query, so update_idle keeps a
 * bitmap of idle cids; a waking task claims its previous cid or the first
 * idle one it may run on, and a task queued while a cid idles kicks that
 * cid. Costs: a scan of the bitmap (one word per 64 cids) per wakeup that
 * finds its previous cid busy.
 */
#pragma once

enum { IDLE_WORDS = FSCHED_CMASK_WORDS, IDLE_MAX_CIDS = IDLE_WORDS * 64 };

/* Idle cids, one bit each (update_idle). */
u64 idle_words[IDLE_WORDS];

/* Idle cids: set and cleared by the kernel through update_idle. */
static bool claim_idle(s32 cid)
{
	u64 bit;
	u32 w;

	if (cid < 0 || cid >= IDLE_MAX_CIDS)
		return false;
	w = (u32)cid / 64;
	bit = 1ull << ((u32)cid % 64);
	if (w >= IDLE_WORDS)
		return false;
	return __sync_fetch_and_and(&idle_words[w], ~bit) & bit;
}

static bool task_may_run_on(struct task_struct *p, s32 cid)
{
	s32 cpu = scx_bpf_cid_to_cpu(cid);

	return cpu >= 0 && bpf_cpumask_test_cpu(cpu, p->cpus_ptr);
}

/* An idle cid `p` may run on, claimed, or -1. */
static s32 pick_idle(struct task_struct *p, s32 prefer)
{
	u32 nr = scx_bpf_nr_cids(), w;

	if (prefer >= 0 && task_may_run_on(p, prefer) && claim_idle(prefer))
		return prefer;
	bpf_for(w, 0, IDLE_WORDS) {
		u64 word = idle_words[w];
		u32 b;

		if (w * 64 >= nr)
			break;
		bpf_for(b, 0, 64) {
			s32 cid = w * 64 + b;

			if (!(word & (1ull << b)))
				continue;
			if (task_may_run_on(p, cid) && claim_idle(cid))
				return cid;
		}
	}
	return -1;
}

/* Wakes one idle cid to look at the shared queue, if one idles. */
static void kick_idle(void)
{
	u32 w;

	bpf_for(w, 0, IDLE_WORDS) {
		u64 word = idle_words[w];

		if (word) {
			scx_bpf_kick_cid(w * 64 + __builtin_ctzll(word), SCX_KICK_IDLE);
			return;
		}
	}
}

s32 BPF_STRUCT_OPS(fsched_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	s32 cid;

	FSCHED_TOUCH_ARENA();
	cid = pick_idle(p, prev_cid);
	if (cid < 0)
		return prev_cid;
	/* As in the cpu form: nobody waits for an idle CPU, and the task is
	 * charged in stopping() like every other. */
	stat_inc(FSCHED_STAT_DIRECT);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	return cid;
}

void BPF_STRUCT_OPS(fsched_update_idle, s32 cid, bool idle)
{
	u64 bit;
	u32 w;

	FSCHED_TOUCH_ARENA();
	if (cid < 0 || cid >= IDLE_MAX_CIDS)
		return;
	w = (u32)cid / 64;
	bit = 1ull << ((u32)cid % 64);
	if (w >= IDLE_WORDS)
		return;
	if (idle)
		__sync_fetch_and_or(&idle_words[w], bit);
	else
		__sync_fetch_and_and(&idle_words[w], ~bit);
}

