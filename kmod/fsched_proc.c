// SPDX-License-Identifier: GPL-2.0
/*
 * fsched_proc: the mount points /proc/sched-groups and /proc/schedulers
 *
 * The fsched daemon serves its sched-groups tree with FUSE.  Its interface
 * was first described as living in /proc (/proc/sched-groups/0/293,
 * /proc/schedulers/guest_o1_scheduler), but procfs offers no directory a
 * filesystem could be mounted on, and user space cannot make one.  The
 * kernel makes such directories for filesystems of its own (/proc/fs/nfsd
 * for nfsd); this module makes the two fsched needs, nothing more.
 *
 * Both are permanently empty directories (proc_create_mount_point()): no
 * file can be created in them and none is served from here.  All of the
 * tree, the enforcement and the permission checks stay in the daemon;
 * loading this module changes no scheduling and costs two procfs entries.
 *
 * Unloading removes both directories.  procfs itself does not pin a module
 * whose directory is a mount point, so the daemon holds
 * /dev/fsched_proc open for as long as it is mounted under /proc; while it
 * does, the module's reference count makes rmmod answer that the module is
 * in use.
 */

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/proc_fs.h>

static struct proc_dir_entry *sched_groups_dir;
static struct proc_dir_entry *schedulers_dir;

/*
 * Opening the device is all it does: the open file holds a reference to
 * this module (fops.owner) until it is closed.
 */
static const struct file_operations fsched_proc_pin_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.llseek = noop_llseek,
};

static struct miscdevice fsched_proc_pin = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "fsched_proc",
	.fops = &fsched_proc_pin_fops,
	.mode = 0600,
};

static int __init fsched_proc_init(void)
{
	int err;

	sched_groups_dir = proc_create_mount_point("sched-groups");
	if (!sched_groups_dir)
		return -EEXIST;
	schedulers_dir = proc_create_mount_point("schedulers");
	if (!schedulers_dir) {
		err = -EEXIST;
		goto out_groups;
	}
	err = misc_register(&fsched_proc_pin);
	if (err)
		goto out_schedulers;
	return 0;

out_schedulers:
	proc_remove(schedulers_dir);
out_groups:
	proc_remove(sched_groups_dir);
	return err;
}

static void __exit fsched_proc_exit(void)
{
	misc_deregister(&fsched_proc_pin);
	proc_remove(schedulers_dir);
	proc_remove(sched_groups_dir);
}

module_init(fsched_proc_init);
module_exit(fsched_proc_exit);

MODULE_DESCRIPTION("Mount points /proc/sched-groups and /proc/schedulers for fsched");
MODULE_AUTHOR("The fsched developers");
MODULE_LICENSE("GPL");
