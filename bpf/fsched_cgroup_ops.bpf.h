/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cgroup callbacks of fsched's scheduler (cgroup_* in the cpu form,
 * cpuctl_* in the cid form): the tree's shape and weights as the kernel
 * reports them. Included by fsched_scx.bpf.c for the root forms; a guest
 * gets no cgroup callbacks.
 */
#pragma once

#include "fsched_bandwidth_ops.bpf.h"

void BPF_STRUCT_OPS(fsched_cgroup_move, struct task_struct *p, struct cgroup *from, struct cgroup *to)
{
	struct task_ctx *tctx = ctx_of(p);

	FSCHED_TOUCH_ARENA();
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

	FSCHED_TOUCH_ARENA();
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
	/* cpu.max as it stands (Linux 6.17 on; before, no field, no cap). */
	if (bpf_core_field_exists(args->bw_quota_us))
		return bw_set(cgid, args->bw_period_us, args->bw_quota_us, args->bw_burst_us);
	return 0;
}

void BPF_STRUCT_OPS(fsched_cgroup_exit, struct cgroup *cgrp)
{
	u64 cgid = cgroup_id(cgrp);

	FSCHED_TOUCH_ARENA();
	bw_forget(cgid);
	bpf_map_delete_elem(&cg_nodes, &cgid);
	bpf_map_delete_elem(&cg_runtime, &cgid);
}

void BPF_STRUCT_OPS(fsched_cgroup_set_weight, struct cgroup *cgrp, u32 weight)
{
	FSCHED_TOUCH_ARENA();
	reweigh(cgrp, weight, -1);
}

void BPF_STRUCT_OPS(fsched_cgroup_set_idle, struct cgroup *cgrp, bool idle)
{
	FSCHED_TOUCH_ARENA();
	reweigh(cgrp, 0, idle);
}
