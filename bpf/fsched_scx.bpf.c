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
 * Locking: a cgroup node's nr_runnable and contrib change together under
 * its spin lock; `sum` and `runtime_ns` are atomics. A task's context is
 * touched only under its runqueue's lock (runnable, quiescent, set_weight,
 * running, stopping, tick), so it needs none.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "fsched_scx.h"

#define ENOMEM 12

char _license[] SEC("license") = "GPL";

#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/* Knobs, set by the loader before load. */
const volatile u64 slice_ns = 10000000ULL;   /* 10 ms */
const volatile u32 ahead_slices = 500;       /* debt cap, in slices */

struct fsched_exit_info exit_info;

struct cg_node {
	struct bpf_spin_lock lock;
	u32 nr_runnable; /* runnable tasks in the subtree (lock) */
	u32 contrib;     /* load added to the parent's sum while active (lock) */
	u32 weight;      /* cpu.weight, 1..10000 */
	u32 idle;        /* cpu.idle */
	u64 parent;      /* parent cgroup id, 0 at the root */
	s64 sum;         /* loads of active children and runnable tasks here */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);
	__type(value, struct cg_node);
} cg_nodes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u64);
	__type(value, struct fsched_cg_runtime);
} cg_runtime SEC(".maps");

/* Cgroups that are idle when the scheduler loads, filled by the loader:
 * ops.cgroup_init is not told about cpu.idle. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u64);
	__type(value, u32);
} idle_seed SEC(".maps");

/* CPU time per process (tgid), for the daemon's per-process stats. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, u32);
	__type(value, u64);
} proc_runtime SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_FSCHED_STATS);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

/* Per-CPU virtual clock: the largest vtime started on that CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} cpu_clock SEC(".maps");

struct task_ctx {
	u64 cgid;          /* the task's cgroup now */
	u64 contrib_cgid;  /* where `contrib` was added (0: not runnable) */
	u32 contrib;       /* load added to that cgroup's sum */
	u64 started_at;    /* when the current charge period began */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *v = bpf_map_lookup_elem(&stats, &idx);
	if (v)
		(*v)++;
}

static u64 *clock_of(s32 cpu)
{
	u32 zero = 0;
	if (cpu < 0)
		return bpf_map_lookup_elem(&cpu_clock, &zero);
	return bpf_map_lookup_percpu_elem(&cpu_clock, &zero, cpu);
}

static u32 task_load(const struct task_struct *p)
{
	u32 load = p->scx.weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL;
	return load ? load : 1;
}

/* Caller holds n->lock. */
static u32 node_load(const struct cg_node *n)
{
	u32 load;
	if (n->idle)
		return FSCHED_LOAD_IDLE;
	load = n->weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL;
	return load ? load : 1;
}

/*
 * Writes to p->scx.slice and p->scx.dsq_vtime go through the kfuncs where
 * the kernel has them (6.19 on): since 7.1 it warns at load about direct
 * writes, which it means to refuse. bpf_ksym_exists() is a constant to the
 * verifier, so it never walks the branch not taken: no warning where the
 * kfunc exists, and no unresolved kfunc where it does not (6.12 to 6.18).
 */
static __always_inline void set_vtime(struct task_struct *p, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_task_set_dsq_vtime))
		scx_bpf_task_set_dsq_vtime(p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}

static __always_inline void set_slice(struct task_struct *p, u64 slice)
{
	if (bpf_ksym_exists(scx_bpf_task_set_slice))
		scx_bpf_task_set_slice(p, slice);
	else
		p->scx.slice = slice;
}

static u64 cgroup_id(const struct cgroup *cgrp)
{
	return BPF_CORE_READ(cgrp, kn, id);
}

/* A task with `load` became runnable in cgroup `cgid` (delta > 0) or
 * stopped being so (delta < 0). Cgroups that turn active or inactive add or
 * remove their own load at their parent's, up to the root. */
static void account(u64 cgid, s64 load, int delta)
{
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	u32 i;

	if (!n) {
		stat_inc(FSCHED_STAT_NO_NODE);
		return;
	}
	__sync_fetch_and_add(&n->sum, delta > 0 ? load : -load);

	bpf_for(i, 0, FSCHED_MAX_LEVELS) {
		struct cg_node *parent;
		s64 change = 0;
		u64 pid;

		bpf_spin_lock(&n->lock);
		if (delta > 0) {
			if (n->nr_runnable++ == 0) {
				n->contrib = node_load(n);
				change = n->contrib;
			}
		} else if (n->nr_runnable > 0) {
			if (--n->nr_runnable == 0) {
				change = -(s64)n->contrib;
				n->contrib = 0;
			}
		}
		pid = n->parent;
		bpf_spin_unlock(&n->lock);

		if (!pid)
			return;
		parent = bpf_map_lookup_elem(&cg_nodes, &pid);
		if (!parent)
			return;
		if (change)
			__sync_fetch_and_add(&parent->sum, change);
		n = parent;
	}
	stat_inc(FSCHED_STAT_DEPTH_CUT);
}

/* A cgroup's own load changed (weight or idle): while it is active, its
 * parent's sum follows at once. */
static void reweigh(struct cgroup *cgrp, u32 weight, int idle)
{
	u64 cgid = cgroup_id(cgrp);
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	struct cg_node *parent;
	s64 change = 0;
	u64 pid;

	if (!n)
		return;
	bpf_spin_lock(&n->lock);
	if (weight)
		n->weight = weight;
	if (idle >= 0)
		n->idle = idle;
	if (n->nr_runnable) {
		u32 load = node_load(n);
		change = (s64)load - n->contrib;
		n->contrib = load;
	}
	pid = n->parent;
	bpf_spin_unlock(&n->lock);

	if (change && pid && (parent = bpf_map_lookup_elem(&cg_nodes, &pid)))
		__sync_fetch_and_add(&parent->sum, change);
}

static u64 clamp_divisor(s64 sum, u32 load)
{
	return sum > (s64)load ? (u64)sum : (u64)load;
}

/* Whether some thread of p's process has not yet exited (do_exit() counts
 * them down in signal->live before a thread's last switch). */
static bool group_alive(const struct task_struct *p)
{
	return p->signal->live.counter > 0;
}

/* Charge `ns` of CPU time: to the task's vtime, divided by its compound
 * share, and to the runtime of its process and of each cgroup above it. */
static void charge(struct task_struct *p, struct task_ctx *tctx, u64 ns)
{
	u64 cgid = tctx->contrib_cgid ? tctx->contrib_cgid : tctx->cgid;
	struct cg_node *n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	u64 hw = FSCHED_HW_ONE;
	u32 load = tctx->contrib ? tctx->contrib : task_load(p);
	u32 tgid = p->tgid;
	u64 *prt;
	u32 i;

	if (!ns)
		return;
	stat_inc(FSCHED_STAT_CHARGE);

	prt = bpf_map_lookup_elem(&proc_runtime, &tgid);
	if (prt)
		__sync_fetch_and_add(prt, ns);
	else if (group_alive(p))
		bpf_map_update_elem(&proc_runtime, &tgid, &ns, BPF_NOEXIST);

	if (n) {
		hw = hw * load / clamp_divisor(n->sum, load);
		bpf_for(i, 0, FSCHED_MAX_LEVELS) {
			struct fsched_cg_runtime *rt;
			struct cg_node *parent;
			u64 pid = n->parent;
			u32 own;

			rt = bpf_map_lookup_elem(&cg_runtime, &cgid);
			if (rt)
				__sync_fetch_and_add(&rt->runtime_ns, ns);
			if (!pid)
				break;
			parent = bpf_map_lookup_elem(&cg_nodes, &pid);
			if (!parent)
				break;
			own = n->contrib ? n->contrib : (n->idle ? FSCHED_LOAD_IDLE :
					n->weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL);
			if (!own)
				own = 1;
			hw = hw * own / clamp_divisor(parent->sum, own);
			if (!hw)
				hw = 1;
			n = parent;
			cgid = pid;
		}
	}
	if (!hw)
		hw = 1;
	set_vtime(p, p->scx.dsq_vtime + ns * FSCHED_HW_ONE / hw);
}

static struct task_ctx *ctx_of(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, p, 0, 0);
}

s32 BPF_STRUCT_OPS(fsched_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	/* Nobody waits for an idle CPU; the task is charged in stopping()
	 * like every other, so skipping the queue gives it no extra share. */
	if (is_idle) {
		stat_inc(FSCHED_STAT_DIRECT);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(fsched_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;
	u64 *clk = clock_of(scx_bpf_task_cpu(p));
	u64 ahead = ahead_slices * slice_ns;

	if (clk && vtime > *clk + ahead) {
		vtime = *clk + ahead;
		set_vtime(p, vtime);
		stat_inc(FSCHED_STAT_AHEAD_CLAMP);
	}
	stat_inc(FSCHED_STAT_ENQUEUE);
	scx_bpf_dsq_insert_vtime(p, FSCHED_FAIR_DSQ, slice_ns, vtime, enq_flags);
}

/* How many queued tasks dispatch() looks at to find the first one that may
 * run on this CPU; beyond that, the kernel's own search decides. */
#define PEEK_MAX 32

void BPF_STRUCT_OPS(fsched_dispatch, s32 cpu, struct task_struct *prev)
{
	/* The kernel asks for a task when prev's slice ran out, without
	 * putting prev back in the queue first. Taking the queue's head then
	 * would alternate prev with whoever waits, whatever their vtimes (two
	 * hogs on one CPU would split 50/50 at any weights): prev goes on
	 * while its vtime is below the first task that could run here. */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED)) {
		struct task_struct *p;
		bool found = false;
		u64 head = 0;
		u32 seen = 0;

		bpf_for_each(scx_dsq, p, FSCHED_FAIR_DSQ, 0) {
			if (bpf_cpumask_test_cpu(cpu, p->cpus_ptr)) {
				head = p->scx.dsq_vtime;
				found = true;
				break;
			}
			if (++seen >= PEEK_MAX)
				break;
		}
		if ((!found && seen < PEEK_MAX) || (found && prev->scx.dsq_vtime < head)) {
			u64 *clk = clock_of(-1);

			set_slice(prev, slice_ns);
			if (clk && prev->scx.dsq_vtime > *clk)
				*clk = prev->scx.dsq_vtime;
			return;
		}
	}
	scx_bpf_dsq_move_to_local(FSCHED_FAIR_DSQ);
}

void BPF_STRUCT_OPS(fsched_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = ctx_of(p);
	u64 *clk = clock_of(scx_bpf_task_cpu(p));

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

	/* Still running: the next charge starts here. */
	if (tctx && now)
		tctx->started_at = now;
}

void BPF_STRUCT_OPS(fsched_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = ctx_of(p);

	if (tctx && charge_since_start(p, tctx))
		tctx->started_at = 0;
}

void BPF_STRUCT_OPS(fsched_set_weight, struct task_struct *p, u32 weight)
{
	struct task_ctx *tctx = ctx_of(p);
	struct cg_node *n;
	u64 cgid;
	u32 load;

	if (!tctx || !tctx->contrib_cgid)
		return;
	cgid = tctx->contrib_cgid;
	load = weight * FSCHED_LOAD_PER_WEIGHT / FSCHED_WEIGHT_DFL;
	if (!load)
		load = 1;
	n = bpf_map_lookup_elem(&cg_nodes, &cgid);
	if (n)
		__sync_fetch_and_add(&n->sum, (s64)load - tctx->contrib);
	tctx->contrib = load;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(fsched_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!tctx)
		return -ENOMEM;
	tctx->cgid = args->cgroup ? cgroup_id(args->cgroup) : 0;
	return 0;
}

void BPF_STRUCT_OPS(fsched_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	u32 tgid = p->tgid;

	/* A failed fork ran nothing; a thread that is not the last leaves
	 * its process's time to the ones still running. */
	if (args->cancelled || group_alive(p))
		return;
	bpf_map_delete_elem(&proc_runtime, &tgid);
}

void BPF_STRUCT_OPS(fsched_enable, struct task_struct *p)
{
	u64 *clk = clock_of(scx_bpf_task_cpu(p));

	/* A new task starts at its CPU's clock: no credit, no debt. */
	set_vtime(p, clk ? *clk : 0);
}

void BPF_STRUCT_OPS(fsched_cgroup_move, struct task_struct *p, struct cgroup *from, struct cgroup *to)
{
	struct task_ctx *tctx = ctx_of(p);

	/* A runnable task is dequeued (quiescent) before and enqueued
	 * (runnable) after a move, so only the current cgroup changes here. */
	if (tctx)
		tctx->cgid = cgroup_id(to);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(fsched_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	struct cg_node node = {};
	struct fsched_cg_runtime rt = {};
	u64 cgid = cgroup_id(cgrp);
	u32 *idle;

	node.weight = args->weight ? args->weight : FSCHED_WEIGHT_DFL;
	idle = bpf_map_lookup_elem(&idle_seed, &cgid);
	node.idle = idle && *idle;
	if (cgrp->level > 0) {
		struct cgroup *parent = bpf_cgroup_ancestor(cgrp, cgrp->level - 1);
		if (parent) {
			node.parent = cgroup_id(parent);
			bpf_cgroup_release(parent);
		}
	}
	if (bpf_map_update_elem(&cg_nodes, &cgid, &node, BPF_ANY))
		return -ENOMEM;
	bpf_map_update_elem(&cg_runtime, &cgid, &rt, BPF_NOEXIST);
	return 0;
}

void BPF_STRUCT_OPS(fsched_cgroup_exit, struct cgroup *cgrp)
{
	u64 cgid = cgroup_id(cgrp);

	bpf_map_delete_elem(&cg_nodes, &cgid);
	bpf_map_delete_elem(&cg_runtime, &cgid);
}

void BPF_STRUCT_OPS(fsched_cgroup_set_weight, struct cgroup *cgrp, u32 weight)
{
	reweigh(cgrp, weight, -1);
}

void BPF_STRUCT_OPS(fsched_cgroup_set_idle, struct cgroup *cgrp, bool idle)
{
	reweigh(cgrp, 0, idle);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(fsched_init)
{
	return scx_bpf_create_dsq(FSCHED_FAIR_DSQ, -1);
}

void BPF_STRUCT_OPS(fsched_exit, struct scx_exit_info *ei)
{
	exit_info.exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_info.reason, sizeof(exit_info.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg), ei->msg);
	/* Last: the loader reads the strings once it sees a kind. */
	__sync_val_compare_and_swap(&exit_info.kind, 0, ei->kind);
}

SEC(".struct_ops.link")
struct sched_ext_ops fsched_ops = {
	.select_cpu = (void *)fsched_select_cpu,
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
	.cgroup_init = (void *)fsched_cgroup_init,
	.cgroup_exit = (void *)fsched_cgroup_exit,
	.cgroup_move = (void *)fsched_cgroup_move,
	.cgroup_set_weight = (void *)fsched_cgroup_set_weight,
	.cgroup_set_idle = (void *)fsched_cgroup_set_idle,
	.init = (void *)fsched_init,
	.exit = (void *)fsched_exit,
	.timeout_ms = 30000,
	.name = "fsched",
};
