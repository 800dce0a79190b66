/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A task's life under fsched's scheduler: its weight (nice), its context
 * at init, its vtime when it joins, and its process's runtime record when
 * the last thread leaves (fsched_scx.bpf.c's essay says why). Included by
 * fsched_scx.bpf.c in every form.
 */
#pragma once

void BPF_STRUCT_OPS(fsched_set_weight, struct task_struct *p, u32 weight)
{
	struct task_ctx *tctx = ctx_of(p);
	struct cg_node *n;
	u64 cgid;
	u32 load;

	FSCHED_TOUCH_ARENA();
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

	FSCHED_TOUCH_ARENA();
	if (!tctx)
		return -ENOMEM;
	tctx->cgid = args->cgroup ? cgroup_id(args->cgroup) : 0;
	return 0;
}

void BPF_STRUCT_OPS(fsched_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	u32 tgid = p->tgid;

	FSCHED_TOUCH_ARENA();
	/* A failed fork ran nothing; a thread that is not the last leaves
	 * its process's time to the ones still running. */
	if (args->cancelled || group_alive(p))
		return;
	bpf_map_delete_elem(&proc_runtime, &tgid);
}

void BPF_STRUCT_OPS(fsched_enable, struct task_struct *p)
{
	u64 *clk = clock_of(task_cpu(p));

	FSCHED_TOUCH_ARENA();
	/* A new task starts at its CPU's clock: no credit, no debt. */
	set_vtime(p, clk ? *clk : 0);
}
