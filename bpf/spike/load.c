// SPDX-License-Identifier: GPL-2.0
/*
 * The spike's loader: loads a cid-form sched_ext object and attaches its
 * struct_ops; with CGROUP it attaches it as a sub-scheduler of that cgroup
 * v2 directory (sub_cgroup_id = the directory's inode number, which is the
 * cgroup id). Stays attached until SIGINT/SIGTERM, then detaches.
 *
 *   load OBJ [CGROUP_DIR]
 *
 * Prints "attached" once attached, or the errno of the failing step. The
 * kernel still may eject the scheduler after a successful attach: its
 * reason is in dmesg and /sys/kernel/sched_ext.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Byte offset of `member` in struct `type` of the object's BTF, or -1. */
static long member_offset(const struct btf *btf, const char *type, const char *member)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;

	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++)
		if (strcmp(btf__name_by_offset(btf, m->name_off), member) == 0)
			return btf_member_bit_offset(t, i) / 8;
	return -1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_map *map, *ops = NULL;
	struct bpf_link *link;
	int err;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s OBJ [CGROUP_DIR]\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_map(map, obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			ops = map;
	if (!ops) {
		fprintf(stderr, "%s: no struct_ops map\n", argv[1]);
		return 1;
	}
	if (argc == 3) {
		struct stat st;
		size_t size = 0;
		char *data = bpf_map__initial_value(ops, &size);
		long off = member_offset(bpf_object__btf(obj), "sched_ext_ops_cid", "sub_cgroup_id");

		if (stat(argv[2], &st) != 0) {
			fprintf(stderr, "stat %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		if (!data || off < 0 || (size_t)off + sizeof(__u64) > size) {
			fprintf(stderr, "%s: not a cid-form scheduler (no sub_cgroup_id)\n", argv[1]);
			return 1;
		}
		*(__u64 *)(data + off) = st.st_ino;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	link = bpf_map__attach_struct_ops(ops);
	if (!link) {
		err = errno;
		fprintf(stderr, "attach %s: %s\n", argv[1], strerror(err));
		printf("attach-errno %d\n", err);
		fflush(stdout);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
