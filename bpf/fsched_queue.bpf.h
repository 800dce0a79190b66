/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one queue every task waits in (FSCHED_FAIR_DSQ), as seen from one
 * CPU: its head for that CPU, which dispatch() compares with the task that
 * just ran, and wakeup preemption, which enqueue() asks for.
 *
 * Wakeup preemption (cpu form). Without it a task that wakes owed CPU,
 * with every CPU busy, waits until the running task's slice ends: half a
 * slice on average, a whole one at worst, where the fair class runs it
 * within a millisecond or two. So a waking task that found no idle CPU
 * looks at the task running on the CPU it was placed on, and if that
 * task's vtime is more than preempt_gran_ns ahead of its own and no
 * waiting task that may run there is behind it, goes to that CPU's local
 * queue with SCX_ENQ_PREEMPT: the running task is charged in stopping()
 * and queued again by its vtime. (The kernel reschedules that CPU from
 * within the insert, under the runqueue lock enqueue holds; a
 * scx_bpf_kick_cpu() would be bounced through an irq_work.) The granularity
 * (a quarter slice of vtime) keeps tasks that take turns, such as the two
 * ends of a pipe, from preempting each other at every wakeup: their vtimes
 * stay within it. It can only bring a task forward to where its vtime
 * already puts it, so shares are unchanged. Cost: one read of a CPU's
 * current task per wakeup that found no idle CPU, a look at the head of
 * the queue when it is far ahead, and an IPI when it preempts. Only the
 * placed CPU is looked at: a wakeup does not scan the machine. (Needs
 * scx_bpf_cpu_curr, 6.18 on; without it wakers wait as before.)
 */
#pragma once

/* How many queued tasks dispatch() looks at to find the first one that may
 * run on this CPU; beyond that, the kernel's own search decides. */
#define PEEK_MAX 32

/* The lowest vtime in the queue among the first PEEK_MAX tasks that may
 * run on `cpu`; (u64)-1 when none may. *seen is how many were looked at. */
static u64 queue_head(s32 cpu, u32 *seen)
{
	struct task_struct *p;

	*seen = 0;
	bpf_for_each(scx_dsq, p, FSCHED_FAIR_DSQ, 0) {
		if (bpf_cpumask_test_cpu(cpu, p->cpus_ptr) && !task_throttled(p))
			return p->scx.dsq_vtime;
		if (++*seen >= PEEK_MAX)
			break;
	}
	return (u64)-1;
}

/* Wakes an idle CPU that @p, just queued, may run on. A CPU goes idle
 * when nothing in the queue may run there, and a task queued later (one
 * preempted elsewhere, one whose cgroup's throttle ended) would otherwise
 * wait for a busy CPU while it idles: throttling makes that common (a
 * pinned capped task throttled, the free task that could take its CPU
 * running elsewhere). Cost: a look at the idle mask per task queued. */
static void kick_idle_for(struct task_struct *p)
{
#ifdef FSCHED_HOST
	/* Its own cid if that idles, and the first idle cid (which @p may
	 * not be allowed on: calling pick_idle() from here too made the
	 * verifier refuse select_cid). */
	s32 cid = scx_bpf_task_cid(p);

	if (cid >= 0)
		scx_bpf_kick_cid(cid, SCX_KICK_IDLE);
	kick_idle();
#elif !defined(FSCHED_CID_FORM)
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
#endif
}

/*
 * Idle CPUs while cgroups are throttled (cpu form). A throttled task that
 * was the only one allowed on its CPU leaves that CPU idle, while a task
 * that could use it may be running on another CPU where others wait: it
 * would stay there until its slice ends. So a CPU that finds nothing to run
 * while some cgroup is throttled leaves a hint with the first other CPU
 * whose current task may run on it, and preempts that CPU; there, dispatch()
 * does not keep a prev the hint fits, and enqueue() sends the first task
 * the hint fits straight to the idle CPU's local queue (the kernel wakes
 * it). A hint older than a slice is ignored. Cost, only while a cgroup is
 * throttled: a look at up to 64 CPUs' current tasks when a CPU idles, a
 * per-CPU load per dispatch and enqueue.
 */
#ifndef FSCHED_CID_FORM
/* (Not in the cid form, which does not use it: one more map there makes
 * libbpf 1.4.6 crash while loading the host object, seen on 7.3-rc7.) */
struct pull_hint {
	u64 target; /* the idle CPU + 1; 0: none (xchg) */
	u64 at;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct pull_hint);
} pull_hints SEC(".maps");

/* The idle CPU that CPU @cpu's hint asks @p to go to, or -1. */
static s32 pull_target(struct task_struct *p, s32 cpu)
{
	u32 zero = 0;
	struct pull_hint *h;
	s32 target;

	if (nr_throttled_groups <= 0 || cpu < 0)
		return -1;
	h = bpf_map_lookup_percpu_elem(&pull_hints, &zero, cpu);
	if (!h || !h->target || scx_bpf_now() > h->at + slice_ns)
		return -1;
	target = h->target - 1;
	return bpf_cpumask_test_cpu(target, p->cpus_ptr) ? target : -1;
}

/* Sends @p, queued on its CPU, to the idle CPU a hint asks for. */
static bool enqueue_pulled(struct task_struct *p, u64 enq_flags)
{
	u32 zero = 0;
	s32 cpu = scx_bpf_task_cpu(p), target = pull_target(p, cpu);
	struct pull_hint *h;

	if (target < 0 || !(h = bpf_map_lookup_percpu_elem(&pull_hints, &zero, cpu)))
		return false;
	if (__sync_lock_test_and_set(&h->target, 0) != target + 1)
		return false; /* another task took it */
	stat_inc(FSCHED_STAT_PULLED);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | target, slice_ns, enq_flags);
	return true;
}

static void pull_to_idle(s32 cpu)
{
	u32 nr = scx_bpf_nr_cpu_ids(), i, zero = 0;

	if (nr_throttled_groups <= 0 || !bpf_ksym_exists(scx_bpf_cpu_curr))
		return;
	bpf_for(i, 0, nr < 64 ? nr : 64) {
		struct task_struct *curr;
		struct pull_hint *h;

		if (i == cpu)
			continue;
		curr = scx_bpf_cpu_curr(i);
		if (!curr || !curr->pid || !bpf_cpumask_test_cpu(cpu, curr->cpus_ptr))
			continue;
		h = bpf_map_lookup_percpu_elem(&pull_hints, &zero, i);
		if (!h)
			return;
		h->at = scx_bpf_now();
		__sync_lock_test_and_set(&h->target, cpu + 1);
		stat_inc(FSCHED_STAT_PULL);
		scx_bpf_kick_cpu(i, SCX_KICK_PREEMPT);
		return;
	}
}
#else
static s32 pull_target(struct task_struct *p, s32 cpu) { return -1; }
static bool enqueue_pulled(struct task_struct *p, u64 enq_flags) { return false; }
static void pull_to_idle(s32 cpu) {}
#endif

/* Places @p outside the fair queue when it does not belong there: a
 * throttled task in the throttled queue, and the last task of a CPU (the
 * kernel asks about it, SCX_ENQ_LAST, so that a throttled one does not go
 * on running) back on its CPU. */
static bool enqueue_aside(struct task_struct *p, u64 enq_flags)
{
	if (task_throttled(p)) {
		stat_inc(FSCHED_STAT_THROTTLED);
		scx_bpf_dsq_insert(p, FSCHED_THROTTLED_DSQ, slice_ns, enq_flags);
		return true;
	}
	if (enq_flags & SCX_ENQ_LAST) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		return true;
	}
	return enqueue_pulled(p, enq_flags);
}

/* Moves the first task in the queue that may run on `cpu` to its local
 * queue, as scx_bpf_dsq_move_to_local() would, except that while some
 * cgroup is throttled, its tasks found on the way go to the throttled
 * queue instead (fsched_bandwidth.bpf.h). */
static bool dispatch_fair(s32 cpu)
{
	struct task_struct *p;
	u32 seen = 0;

	/* (No cgroup is ever throttled on a kernel without these kfuncs:
	 * cpu.max reaches schedulers from 6.17 on, scx_bpf_dsq_move 6.13.) */
	if (nr_throttled_groups <= 0)
		return scx_bpf_dsq_move_to_local(FSCHED_FAIR_DSQ);
#ifndef FSCHED_CID_FORM
	if (!bpf_ksym_exists(scx_bpf_dsq_move))
		return scx_bpf_dsq_move_to_local(FSCHED_FAIR_DSQ);
#endif
	bpf_for_each(scx_dsq, p, FSCHED_FAIR_DSQ, 0) {
		if (task_throttled(p)) {
			if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, FSCHED_THROTTLED_DSQ, 0))
				stat_inc(FSCHED_STAT_THROTTLED);
			continue;
		}
		if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr)) {
			if (++seen >= PEEK_MAX)
				break;
			continue;
		}
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL, 0))
			return true;
	}
	return scx_bpf_dsq_move_to_local(FSCHED_FAIR_DSQ);
}

#ifndef FSCHED_CID_FORM
/* Whether waking @p, at @vtime, should take its CPU from the task running
 * there at once (see "Wakeup preemption" at the top). */
static bool wakeup_preempts(struct task_struct *p, u64 vtime)
{
	struct task_struct *curr;
	s32 cpu = scx_bpf_task_cpu(p);
	u32 seen;

	if (!preempt_gran_ns || !bpf_ksym_exists(scx_bpf_cpu_curr))
		return false;
	curr = scx_bpf_cpu_curr(cpu);
	/* An idle CPU's current task is its idle task: select_cpu found the
	 * CPU busy, so it is about to look at the queue anyway. */
	if (!curr || curr == p || !curr->pid)
		return false;
	if (curr->scx.dsq_vtime <= vtime + preempt_gran_ns) {
		stat_inc(FSCHED_STAT_WAKE_CLOSE);
		return false;
	}
	/* Only where its vtime puts it: first among those waiting. */
	if (vtime <= queue_head(cpu, &seen))
		return true;
	stat_inc(FSCHED_STAT_WAKE_QUEUED);
	return false;
}
#endif
