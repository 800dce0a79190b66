/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fsched_scx: nested weighted fair share as a sched_ext scheduler.
 *
 * What it enforces. The daemon's tree lives in cgroup v2 (the cgroup
 * backend builds it: a directory per group, a leaf per process), and this
 * scheduler gives every runnable task the share CFS's group scheduling
 * would: within a cgroup, each runnable task and each cgroup with runnable
 * tasks below it is one competitor, weighted by its load (a task's from its
 * nice level, a cgroup's from cpu.weight, an idle cgroup's as SCHED_IDLE);
 * idle competitors take nothing. A task's compound share is the product,
 * from its cgroup up to the root, of "my load / loads of my active siblings".
 *
 * How. One global dispatch queue ordered by virtual time. A task's vtime
 * advances by the CPU time it used divided by its compound share, so tasks
 * run in proportion to their shares. The share is computed afresh at every
 * charge (at each tick and when the task stops) from per-cgroup sums that
 * are kept up to date on every runnable/quiescent transition and every
 * weight or idle change. So a `cpu.weight` or `scheduler` write counts from
 * the next charge on, within one tick.
 *
 * Where scx_flatcg falls short, and what this one does instead:
 *  - flatcg caches compound weights per cgroup with a generation number and
 *    can charge with a stale one after a weight change; here nothing is
 *    cached: the walk up the (bounded) ancestry is done at each charge.
 *  - flatcg charges the cgroup only when a task went through its DSQs, so a
 *    task sent straight to an idle CPU ran uncharged; here every task is
 *    charged by itself in tick()/stopping(), however it was dispatched.
 *  - flatcg keeps one DSQ per cgroup and picks cgroups from an rbtree, so a
 *    low-weight parent with many nested children makes every child wait
 *    its turn in the tree; here there is one queue of tasks, nested groups
 *    only change how fast each task's clock runs.
 *  - flatcg bypasses tasks with restricted affinity (they go to a local DSQ
 *    with no fairness). Here they wait in the same queue: a CPU takes the
 *    lowest-vtime task that may run on it (the kernel skips the others), so
 *    hogs pinned to one CPU with `taskset` share it by weight.
 *
 * Virtual time is kept per CPU (the largest vtime started there). A waking
 * task gets at most one slice of credit against its CPU's clock, and at most
 * FSCHED_AHEAD_SLICES of debt, which bounds how long any runnable task
 * waits: the watchdog never has a reason to fire.
 *
 * Wakeup preemption (cpu form): a task that wakes far behind the task
 * running on its CPU, and first in the queue, takes that CPU at once; see
 * fsched_queue.bpf.h, which also says what it costs.
 *
 * cpu.max: the kernel leaves a cgroup's quota to the scheduler. A charge
 * spends the quota of every capped cgroup above the task; one out of it is
 * throttled until its period's timer refills it: its running tasks stop
 * at their next tick, and its runnable ones wait in a second queue, never
 * sent to an idle CPU or kept as prev. See fsched_bandwidth.bpf.h for how,
 * and what it costs (nothing while no cgroup is throttled but a load per
 * level of each charge).
 *
 * Per-process CPU time (`proc_runtime`, keyed by tgid) lives as long as the
 * process: a pid the kernel hands out again must start from nothing. The
 * kernel calls ops.exit_task once per thread, after that thread's last
 * switch (6.19 on; before, when its task_struct is freed), and the threads
 * of a process die in any order: the leader may go first. So the entry goes
 * when a thread exits with signal->live at 0, i.e. the last one; a charge
 * that finds no entry for a process in that state does not create one (a
 * dying thread still runs after another's exit_task). The cost: a load of
 * signal->live in every exit_task, a hash delete per process exit, and the
 * same load on the rare charge that misses the map. Before 6.19 exit_task
 * comes at least an RCU grace period after the parent reaped the process;
 * a pid recycled within that window loses what it was charged in it.
 *
 * Membership comes from cgroups (ops.cgroup_*), not from a map the daemon
 * writes: fork inheritance, exits, threads and moves are the kernel's own,
 * so they cannot drift, and if this scheduler is ejected the fair class
 * goes on enforcing the same tree. See docs/design.md.
 *
 * Locking: a cgroup node's nr_active and contrib change together under
 * its spin lock; `sum` and `runtime_ns` are atomics. A task's context is
 * touched only under its runqueue's lock (runnable, quiescent, set_weight,
 * running, stopping, tick), so it needs none.
 */
#include "fsched_policy.bpf.h"

char _license[] SEC("license") = "GPL";

/*
 * Three builds of this one file:
 *  - plain: the cpu-form root scheduler, Linux 6.12 on (fsched_scx.bpf.o);
 *  - FSCHED_CID_FORM: the cid-form root of Linux 7.3 on, which hosts
 *    guests (fsched_host.bpf.o): the callbacks below plus what
 *    fsched_host.bpf.h adds (guests, idle cids, the one arena);
 *  - FSCHED_CID_FORM and FSCHED_GUEST_FORM: the same policy as a guest
 *    (guests/fair.bpf.o), the RFC's "bug-fixed version of the host" put
 *    under the host. A guest gets no cgroup callbacks, so inside it every
 *    task is one competitor weighted by its nice level (charge() finds no
 *    cgroup node): fair among tasks, as the host is within one group.
 */
#if defined(FSCHED_GUEST_FORM)
#include "guests/fsched_guest.h"
FSCHED_GUEST_ARENA(1024);

s32 BPF_STRUCT_OPS(fsched_select_cid, struct task_struct *p, s32 prev_cid, u64 wake_flags)
{
	FSCHED_TOUCH_ARENA();
	return prev_cid;
}
#elif defined(FSCHED_CID_FORM)
#define FSCHED_HOST 1
#include "fsched_host.bpf.h"
#else
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)
#define FSCHED_TOUCH_ARENA()
#endif

#include "fsched_queue.bpf.h"

#ifndef FSCHED_CID_FORM

s32 BPF_STRUCT_OPS(fsched_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	/* Claiming an idle CPU it may not use would hide that CPU. */
	if (task_throttled(p))
		return prev_cpu;
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	/* Nobody waits for an idle CPU; the task is charged in stopping()
	 * like every other, so skipping the queue gives it no extra share. */
	if (is_idle) {
		stat_inc(FSCHED_STAT_DIRECT);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	}
	return cpu;
}
#endif

void BPF_STRUCT_OPS(fsched_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;
	u64 *clk = clock_of(task_cpu(p));
	u64 ahead = ahead_slices * slice_ns;

	FSCHED_TOUCH_ARENA();
	if (enqueue_aside(p, enq_flags))
		return;
	if (clk && vtime > *clk + ahead) {
		vtime = *clk + ahead;
		set_vtime(p, vtime);
		stat_inc(FSCHED_STAT_AHEAD_CLAMP);
	}
#ifndef FSCHED_CID_FORM
	/* Straight to its CPU's local queue with SCX_ENQ_PREEMPT: the kernel
	 * zeroes the running task's slice and reschedules that CPU now. A
	 * scx_bpf_kick_cpu() from here would act only at the next tick. */
	if ((enq_flags & SCX_ENQ_WAKEUP) && wakeup_preempts(p, vtime)) {
		stat_inc(FSCHED_STAT_WAKE_PREEMPT);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags | SCX_ENQ_PREEMPT);
		return;
	}
#endif
	stat_inc(FSCHED_STAT_ENQUEUE);
	insert_vtime(p, FSCHED_FAIR_DSQ, slice_ns, vtime, enq_flags);
	/* Only while a cgroup is throttled: on 7.3's cid form a kick per
	 * enqueue skewed nested shares (33 -> 37, 25 -> 16 in test_shares). */
	if (nr_throttled_groups > 0)
		kick_idle_for(p);
}

void BPF_STRUCT_OPS(fsched_dispatch, s32 cpu, struct task_struct *prev)
{
	bool keep_prev = false;
	u64 head = (u64)-1;
	u32 seen = 0;

	FSCHED_TOUCH_ARENA();
#ifdef FSCHED_CID_FORM
	cpu = scx_bpf_cid_to_cpu(cpu); /* the cid form is handed a cid */
#endif
#ifdef FSCHED_HOST
	/* This callback is the host's say on this CPU: what a guest's task
	 * ran here until now is charged, and the guest is offered the CPU
	 * only as its vtime allows. */
	u32 zero = 0;
	struct run_slot *rs = bpf_map_lookup_elem(&run_slots, &zero);
	bool guest_prev = rs && rs->gslot;

	if (rs) {
		u64 now = bpf_ktime_get_ns();

		/* The kernel passes only its own tasks as prev: a guest's task
		 * that ran out its slice is found as the CPU's current one. */
		settle(rs, prev ? prev : scx_bpf_cid_curr(scx_bpf_this_cid()), now);
		rs->host_seen_at = now;
	}
#else
	bool guest_prev = false;
#endif
	/* The kernel asks for a task when prev's slice ran out, without
	 * putting prev back in the queue first. Taking the queue's head then
	 * would alternate prev with whoever waits, whatever their vtimes (two
	 * hogs on one CPU would split 50/50 at any weights): prev goes on
	 * while its vtime is below the first task that could run here. */
	if (prev && !guest_prev && (prev->scx.flags & SCX_TASK_QUEUED) && !task_throttled(prev)) {
		head = queue_head(cpu, &seen);
		keep_prev = (head == (u64)-1 && seen < PEEK_MAX) ||
			    (head != (u64)-1 && prev->scx.dsq_vtime < head &&
			     pull_target(prev, cpu) < 0);
	}
#ifdef FSCHED_HOST
	else {
		head = queue_head(cpu, &seen);
	}
	/* A guest whose vtime is below ours runs first; with nothing of our
	 * own to run, any guest may have the CPU. */
	if (offer_guests(keep_prev ? prev->scx.dsq_vtime : head))
		return;
#endif
	if (keep_prev) {
		u64 *clk = clock_of(-1);

		set_slice(prev, slice_ns);
		if (clk && prev->scx.dsq_vtime > *clk)
			*clk = prev->scx.dsq_vtime;
		return;
	}
	if (dispatch_fair(cpu))
		return;
#ifdef FSCHED_HOST
	offer_guests((u64)-1);
#endif
	pull_to_idle(cpu); /* a no-op in the cid form */
}

void BPF_STRUCT_OPS(fsched_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = ctx_of(p);
	u64 *clk = clock_of(task_cpu(p));

	FSCHED_TOUCH_ARENA();
	if (!tctx)
		return;
	/* A waker gets at most one slice of credit: sleeping does not buy
	 * a burst that would take other members' share. */
	if (clk && *clk > slice_ns && p->scx.dsq_vtime < *clk - slice_ns) {
		set_vtime(p, *clk - slice_ns);
		stat_inc(FSCHED_STAT_LAG_CLAMP);
	}
	if (tctx->contrib_cgid)
		return;
	tctx->contrib = task_load(p);
	tctx->contrib_cgid = tctx->cgid;
	account(tctx->contrib_cgid, tctx->contrib, 1);
}

void BPF_STRUCT_OPS(fsched_quiescent, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *tctx = ctx_of(p);

	FSCHED_TOUCH_ARENA();
	if (!tctx || !tctx->contrib_cgid)
		return;
	account(tctx->contrib_cgid, tctx->contrib, -1);
	tctx->contrib_cgid = 0;
	tctx->contrib = 0;
}

void BPF_STRUCT_OPS(fsched_running, struct task_struct *p)
{
	struct task_ctx *tctx = ctx_of(p);
	u64 *clk = clock_of(-1);

	FSCHED_TOUCH_ARENA();
	if (tctx)
		tctx->started_at = scx_bpf_now();
	if (clk && p->scx.dsq_vtime > *clk)
		*clk = p->scx.dsq_vtime;
}

/*
 * Charges what @p ran since it last started (or was last charged) and
 * returns now, or 0 when @p is not running under us.
 */
static __always_inline u64 charge_since_start(struct task_struct *p, struct task_ctx *tctx)
{
	u64 now = scx_bpf_now();

	if (!tctx || !tctx->started_at)
		return 0;
	if (now > tctx->started_at)
		charge(p, tctx, now - tctx->started_at);
	return now;
}

void BPF_STRUCT_OPS(fsched_tick, struct task_struct *p)
{
	struct task_ctx *tctx = ctx_of(p);
	u64 now = charge_since_start(p, tctx);

	FSCHED_TOUCH_ARENA();
	/* Still running: the next charge starts here. */
	if (tctx && now)
		tctx->started_at = now;
	/* Its cgroup (or one above) just ran out of quota: stop now. */
	if (now && task_throttled(p)) {
		stat_inc(FSCHED_STAT_THROTTLE_KICK);
		set_slice(p, 0);
	}
}

void BPF_STRUCT_OPS(fsched_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = ctx_of(p);

	FSCHED_TOUCH_ARENA();
	if (tctx && charge_since_start(p, tctx))
		tctx->started_at = 0;
}

#include "fsched_task_ops.bpf.h"

/* The cgroup callbacks: a guest gets none (see the top). */
#ifndef FSCHED_GUEST_FORM
#include "fsched_cgroup_ops.bpf.h"
#endif

s32 BPF_STRUCT_OPS_SLEEPABLE(fsched_init)
{
	s32 err;

	FSCHED_TOUCH_ARENA();
	err = scx_bpf_create_dsq(FSCHED_FAIR_DSQ, -1);
#ifndef FSCHED_GUEST_FORM
	if (!err)
		err = scx_bpf_create_dsq(FSCHED_THROTTLED_DSQ, -1);
#endif
#ifdef FSCHED_HOST
	if (!err)
		err = host_init();
#endif
	return err;
}

void BPF_STRUCT_OPS(fsched_exit, struct scx_exit_info *ei)
{
	FSCHED_TOUCH_ARENA();
	exit_info.exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_info.reason, sizeof(exit_info.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg), ei->msg);
	/* Last: the loader reads the strings once it sees a kind. */
	__sync_val_compare_and_swap(&exit_info.kind, 0, ei->kind);
}

#if defined(FSCHED_GUEST_FORM)
SEC(".struct_ops.link")
struct sched_ext_ops_cid fsched_ops = {
	.select_cid = (void *)fsched_select_cid,
#elif defined(FSCHED_HOST)
SEC(".struct_ops.link")
struct sched_ext_ops_cid fsched_ops = {
	.select_cid = (void *)fsched_select_cid,
	.update_idle = (void *)fsched_update_idle,
	.sub_attach = (void *)fsched_sub_attach,
	.sub_detach = (void *)fsched_sub_detach,
	.cpuctl_init = (void *)fsched_cgroup_init,
	.cpuctl_exit = (void *)fsched_cgroup_exit,
	.cpuctl_move = (void *)fsched_cgroup_move,
	.cpuctl_set_weight = (void *)fsched_cgroup_set_weight,
	.cpuctl_set_idle = (void *)fsched_cgroup_set_idle,
	.cpuctl_set_bandwidth = (void *)fsched_cgroup_set_bandwidth,
	.flags = SCX_OPS_ENQ_LAST,
#else
SEC(".struct_ops.link")
struct sched_ext_ops fsched_ops = {
	.select_cpu = (void *)fsched_select_cpu,
	.cgroup_init = (void *)fsched_cgroup_init,
	.cgroup_exit = (void *)fsched_cgroup_exit,
	.cgroup_move = (void *)fsched_cgroup_move,
	.cgroup_set_weight = (void *)fsched_cgroup_set_weight,
	.cgroup_set_idle = (void *)fsched_cgroup_set_idle,
	.cgroup_set_bandwidth = (void *)fsched_cgroup_set_bandwidth,
	.flags = SCX_OPS_ENQ_LAST,
#endif
	.enqueue = (void *)fsched_enqueue,
	.dispatch = (void *)fsched_dispatch,
	.runnable = (void *)fsched_runnable,
	.running = (void *)fsched_running,
	.tick = (void *)fsched_tick,
	.stopping = (void *)fsched_stopping,
	.quiescent = (void *)fsched_quiescent,
	.set_weight = (void *)fsched_set_weight,
	.init_task = (void *)fsched_init_task,
	.exit_task = (void *)fsched_exit_task,
	.enable = (void *)fsched_enable,
	.init = (void *)fsched_init,
	.exit = (void *)fsched_exit,
	.timeout_ms = 30000,
#ifdef FSCHED_GUEST_FORM
	.name = "fair_guest",
#else
	.name = "fsched",
#endif
};
