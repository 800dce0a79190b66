#!/usr/bin/env bash
# The Debian package as an administrator meets it. In a clean bookworm root
# (debootstrap, the system's own mirror, cached in /var/cache/fsched/package)
# the .deb is built from this tree with only its Build-Depends installed;
# in a second clean root it is installed with only its Depends, and then:
# files, man pages, the enabled unit; the unit's ExecStart run as systemd
# would (READY=1 awaited on a notify socket) and the fstab example line
# mounted through mount.fuse3, both over a private cgroup root; the RFC's
# 50/25/25 split measured; `apt-get purge` leaves nothing behind.
# Each root is a throwaway overlay on the cached base; nothing is installed
# on the host, and every exit path unmounts and removes what it made.
#
#   scripts/package-test.sh [SOURCE_DIR]      as root; exit 77: skipped
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
cache=/var/cache/fsched/package
base=$cache/bookworm-base

say() { printf 'package-test: [%4ds] %s\n' "$SECONDS" "$*"; }
skip() { echo "package-test: SKIP: $*"; exit 77; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null ||
  skip "debootstrap is not installed (scripts/install-deps.sh installs it)"
[ -c /dev/fuse ] && [ -w /dev/fuse ] || skip "/dev/fuse is not usable here"
. "$src/scripts/mirror.sh"
mirror=$(system_mirror | head -n1)
[ -n "$mirror" ] || skip "no bookworm mirror in the system's apt sources"
python3 - "$mirror" <<'PY' || skip "the mirror $mirror does not answer (no network?)"
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/dists/bookworm/Release", timeout=15)
PY

# The cpu controller's hierarchy: "VERSION MOUNT".
cpu_hierarchy() {
  local _src dir type opts _rest
  while read -r _src dir type opts _rest; do
    case $type in
      cgroup2) grep -qw cpu "$dir/cgroup.controllers" 2>/dev/null && { echo "2 $dir"; return; } ;;
      cgroup) [[ ,$opts, == *,cpu,* ]] && { echo "1 $dir"; return; } ;;
    esac
  done </proc/mounts
}
read -r cg_version cg_mount <<<"$(cpu_hierarchy)" || true
[ -n "${cg_mount:-}" ] || skip "no cgroup hierarchy with the cpu controller"

mkdir -p "$cache/debs/partial" "$cache/ccache"
exec 9>"$cache/lock"
flock -w 3600 9 || fail "another package test holds $cache/lock"

work=$(mktemp -d /var/tmp/fsched-pkgtest.XXXXXX)
cg_name=fsched-pkgtest-$$
roots=()   # overlay roots, unmounted recursively on exit
pids=()    # processes we started, killed on exit

# Moves what is left in a private cgroup tree to the hierarchy's root and
# removes it, deepest first; v1 keeps a twin in a separate cpuacct mount.
remove_cgroups() {
  local top dir pid i
  for top in $(awk -v n="$cg_name" '$3 ~ /^cgroup2?$/ { print $2 "/" n }' /proc/mounts); do
    [ -d "$top" ] || continue
    while read -r dir; do
      while read -r pid; do
        echo "$pid" >"${top%/*}/cgroup.procs" 2>/dev/null || true
      done <"$dir/cgroup.procs"
      for i in $(seq 50); do rmdir "$dir" 2>/dev/null && break; sleep 0.1; done
    done < <(find "$top" -depth -type d)
  done
}

cleanup() {
  local status=$? pid r
  # A signal's trap runs inside the redirections of the command it cut short.
  exec 1>&3 2>&4
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ((i = ${#roots[@]} - 1; i >= 0; i--)); do
    r=${roots[i]}
    umount -R "$r" 2>/dev/null || umount -R -l "$r" 2>/dev/null || true
  done
  remove_cgroups
  # Never delete through a mount that is still there.
  if grep -q " $work" /proc/mounts; then
    echo "package-test: $work still has mounts; left in place" >&2
  else
    rm -rf "$work"
  fi
  say "done, status $status"
  exit "$status"
}
exec 3>&1 4>&2
trap cleanup EXIT
trap 'exit 130' INT TERM

# A clean environment for commands in a root. Written out, not wrapped in a
# function, where a background command's $! must be the process itself.
clean_env=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
  DEBIAN_FRONTEND=noninteractive)
in_root() {  # ROOT [VAR=VALUE...] COMMAND...
  local r=$1 envs=()
  shift
  while [[ $1 == *=* ]]; do envs+=("$1"); shift; done
  "${clean_env[@]}" "${envs[@]}" chroot "$r" "$@"
}

# The pristine root, made once: minbase, the system mirror's bookworm and
# bookworm-backports (libbpf and bpftool from there, as docs/admin.md says).
make_base() {
  if [ ! -f "$base/.base-complete" ]; then
    say "debootstrap bookworm from $mirror (once, into $base)"
    rm -rf "$base"
    debootstrap --variant=minbase --cache-dir="$cache/debs" bookworm "$base" "$mirror" \
      >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log"; fail "debootstrap"; }
    printf 'deb %s bookworm main\ndeb %s bookworm-backports main\n' "$mirror" "$mirror" \
      >"$base/etc/apt/sources.list"
    printf 'Package: libbpf-dev libbpf1 bpftool\nPin: release n=bookworm-backports\nPin-Priority: 500\n' \
      >"$base/etc/apt/preferences.d/backports-libbpf"
    rm -f "$base/.base-updated"
    touch "$base/.base-complete"
  fi
  # A day-old index may name packages the mirror no longer has.
  if [ -z "$(find "$base/.base-updated" -mmin -1440 2>/dev/null)" ]; then
    say "apt-get update in the base"
    in_root "$base" apt-get update -qq >/dev/null || fail "apt-get update in $base"
    touch "$base/.base-updated"
  fi
}

# A throwaway copy of the base, with /proc, /sys, /dev and the shared .deb
# cache. Overlayfs when the kernel has it, else a plain copy.
new_root() {
  local r=$work/$1
  mkdir -p "$r" "$work/$1.upper" "$work/$1.work"
  roots+=("$r")
  if ! mount -t overlay overlay \
      -o "lowerdir=$base,upperdir=$work/$1.upper,workdir=$work/$1.work" "$r" 2>/dev/null; then
    cp -a "$base/." "$r"
    mount --bind "$r" "$r"   # one mount to unmount recursively, as with overlay
  fi
  mount -t proc proc "$r/proc"
  mount --rbind /sys "$r/sys" && mount --make-rslave "$r/sys"
  mount --rbind /dev "$r/dev" && mount --make-rslave "$r/dev"
  mount --bind "$cache/debs" "$r/var/cache/apt/archives"
}

drop_root() {
  umount -R "$work/$1"
  unset 'roots[-1]'
  rm -rf "${work:?}/$1" "$work/$1.upper" "$work/$1.work"
}

make_base

# ---- build: only Build-Depends (plus ccache, which brings no headers) ----
t=$SECONDS
new_root build
mkdir -p "$work/build/build/fsched"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  # The working tree: tracked and new files, not what .gitignore names.
  git -C "$src" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$src/$f" ] && printf '%s\0' "$f"; done |
    tar -C "$src" --null -T - -cf - | tar -C "$work/build/build/fsched" -xf -
else
  tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$work/build/build/fsched" -xf -
fi
mkdir -p "$work/build/var/cache/ccache"
mount --bind "$cache/ccache" "$work/build/var/cache/ccache"
say "build root: apt-get build-dep"
in_root "$work/build" sh -c 'cd /build/fsched && apt-get build-dep -y -q ./ && apt-get install -y -q ccache' \
  >"$work/build-dep.log" 2>&1 || { tail -n 30 "$work/build-dep.log"; fail "apt-get build-dep"; }
say "build root: dpkg-buildpackage -b"
in_root "$work/build" CCACHE_DIR=/var/cache/ccache "DEB_BUILD_OPTIONS=nocheck parallel=$(nproc)" \
  sh -c 'cd /build/fsched && dpkg-buildpackage -b -us -uc' >"$work/dpkg-buildpackage.log" 2>&1 ||
  { tail -n 40 "$work/dpkg-buildpackage.log"; fail "dpkg-buildpackage"; }
deb=$(ls "$work"/build/build/fsched_*_amd64.deb)
dkms_deb=$(ls "$work"/build/build/fsched-proc-dkms_*_all.deb)
cp "$deb" "$dkms_deb" "$work/"
deb=$work/${deb##*/}
dkms_deb=$work/${dkms_deb##*/}
drop_root build
say "built ${deb##*/} in $((SECONDS - t)) s"

# ---- install: only Depends ----
t=$SECONDS
new_root install
r=$work/install
cp "$deb" "$r/tmp/"
in_root "$r" apt-get install -y -q --no-install-recommends "/tmp/${deb##*/}" >"$work/install.log" 2>&1 ||
  { tail -n 30 "$work/install.log"; fail "apt-get install ./${deb##*/}"; }
rm "$r/tmp/${deb##*/}"
in_root "$r" dpkg-query -L fsched >"$work/files"
for f in /usr/sbin/fschedfs /usr/bin/fsched /usr/libexec/fsched/piglet /usr/libexec/fsched/io \
    /usr/share/fsched/spawn.conf /usr/share/fsched/guests/fsched_guest.h \
    /lib/systemd/system/fsched.service /etc/default/fsched \
    /usr/share/doc/fsched/examples/fstab.example /usr/share/doc/fsched/examples/rules.example \
    /usr/share/doc/fsched/examples/proc-sched-groups.conf \
    /usr/share/doc/fsched/admin.md; do
  grep -qxE "$f(\.gz)?" "$work/files" || fail "the package has no $f"
done
[ ! -f "$src/dist/bash-completion/fsched" ] ||
  grep -qx /usr/share/bash-completion/completions/fsched "$work/files" || fail "no bash completion"
[ -L "$r/etc/systemd/system/multi-user.target.wants/fsched.service" ] ||
  fail "installing did not enable fsched.service"
say "installed with its Depends in $((SECONDS - t)) s; files and enabled unit checked"

pages=()
for p in fschedfs.8 fsched.1 sched-groups.5; do
  [ -f "$src/docs/man/$p" ] && pages+=("$p")
done
if [ ${#pages[@]} -gt 0 ]; then
  in_root "$r" apt-get install -y -q --no-install-recommends man-db >>"$work/install.log" 2>&1 ||
    fail "apt-get install man-db"
  for p in "${pages[@]}"; do
    in_root "$r" man -w "${p##*.}" "${p%.*}" >/dev/null || fail "man -w ${p##*.} ${p%.*} finds no page"
  done
  say "man -w finds ${pages[*]}"
fi

out=$(in_root "$r" fsched spawn --time 1 2>&1) || fail "fsched spawn --time 1: $out"
[ "$(grep -c ' /usr/libexec/fsched/piglet$' <<<"$out")" -eq 5 ] ||
  fail "fsched spawn did not start the installed spawn.conf's 5 piglets: $out"
say "fsched spawn: the installed spawn.conf and workloads"

# ---- the private cgroup root the daemons work under ----
cg=$cg_mount/$cg_name
mkdir "$cg"
[ "$cg_version" = 2 ] && echo +cpu >"$cg/cgroup.subtree_control"
opts="backend=cgroup,cgroup_root=$cg"

# Starts a CPU hog on CPU 0 in its own session, as the RFC does: $hog.
hog() {
  "${clean_env[@]}" chroot "$r" setsid taskset -c 0 /usr/libexec/fsched/piglet 60 >/dev/null 2>&1 &
  hog=$!
  pids+=("$hog")
}

# Processes in 0 compete one to one with guest groups when they sit in
# cgroup_root itself (v1) or a leaf of their own there (v2), as
# tests/integration/harness.cpp's TestRoot::adopt does.
adopt() {
  local dir=$cg
  [ "$cg_version" = 2 ] && { dir=$cg/host-$1; mkdir -p "$dir"; }
  echo "$1" >"$dir/cgroup.procs"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# The RFC's session on MNT: three hogs, two moved into 0/guest; 50/25/25.
rfc_split() {
  local mnt=$1 a b c a0 b0 c0
  hog; a=$hog
  hog; b=$hog
  hog; c=$hog
  sleep 0.3
  adopt "$a"
  mkdir "$mnt/0/guest"
  mv "$mnt/0/$b" "$mnt/0/guest/"
  mv "$mnt/0/$c" "$mnt/0/guest/"
  [ -d "$mnt/0/guest/$c" ] || fail "$c is not listed in 0/guest after mv"
  sleep 1
  a0=$(cpu_ticks "$a") b0=$(cpu_ticks "$b") c0=$(cpu_ticks "$c")
  sleep 4
  split=$(awk -v a=$(($(cpu_ticks "$a") - a0)) -v b=$(($(cpu_ticks "$b") - b0)) \
    -v c=$(($(cpu_ticks "$c") - c0)) 'BEGIN {
      s = a + b + c; if (s == 0) s = 1
      printf "%.1f %.1f %.1f", 100 * a / s, 100 * b / s, 100 * c / s }')
  kill -9 "$a" "$b" "$c"
  wait "$a" "$b" "$c" 2>/dev/null || true
  say "RFC split on $2: 0 ${split% * *} %, 0/guest ${split#* } % (want 50/25/25 +-5)"
  awk -v s="$split" 'BEGIN { split(s, p, " ")
    exit !(p[1] >= 45 && p[1] <= 55 && p[2] >= 20 && p[2] <= 30 && p[3] >= 20 && p[3] <= 30) }' ||
    fail "the split is not 50/25/25"
  rmdir "$mnt/0/guest"
}

mount_of() { awk -v m="$1" '$2 == m { print $1, $3 }' /proc/mounts; }

# ---- the unit's ExecStart, as systemd would run it ----
t=$SECONDS
unit=$r/lib/systemd/system/fsched.service
envfile=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$start" ] && [ -n "$envfile" ] || fail "$unit has no ExecStart or EnvironmentFile"
grep -q '^Type=notify' "$unit" || fail "$unit is not Type=notify"
echo "FSCHED_OPTIONS=\"-o $opts\"" >"$r$envfile"
mnt=/run/sched-groups
# `$VAR` in Exec lines is split on white space, as the shell does unquoted.
as_systemd=(/bin/sh -c 'set -a; . "$1"; set +a; eval "exec $2"' sh "$envfile")
# ExecStartPre lines; a leading '-' means their failure is ignored.
start_pre() {
  local cmd
  while IFS= read -r cmd; do
    [ -n "$cmd" ] || continue
    in_root "$r" "${as_systemd[@]}" "${cmd#-}" || [[ $cmd == -* ]] || fail "ExecStartPre=$cmd"
  done <<<"$pre"
}

# Runs ExecStartPre and ExecStart as systemd's Type=notify does: $daemon,
# once READY=1 came on the notify socket.
start_unit() {
  local listener
  start_pre
  rm -f "$r/run/notify-test"
  python3 - "$r/run/notify-test" "$work/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "w") as log:
    try:
        while True:
            msg = s.recv(4096).decode()
            log.write(msg.replace("\n", " ") + "\n")
            log.flush()
            if "READY=1" in msg.split("\n"):
                break
    except socket.timeout:
        pass
PY
  listener=$!
  pids+=("$listener")
  for _ in $(seq 50); do [ -S "$r/run/notify-test" ] && break; sleep 0.1; done
  "${clean_env[@]}" NOTIFY_SOCKET=/run/notify-test chroot "$r" "${as_systemd[@]}" "${start#-}" \
    >>"$work/daemon.log" 2>&1 &
  daemon=$!
  pids+=("$daemon")
  wait "$listener" || true
  grep -q 'READY=1' "$work/notify.log" ||
    { cat "$work/daemon.log"; fail "ExecStart=$start sent no READY=1 in 30 s"; }
}
start_unit
say "ExecStart=$start: $(grep -o 'STATUS=[^ ]*.*' "$work/notify.log" | head -n1)"
[ "$(mount_of "$r$mnt")" = "fschedfs fuse.fschedfs" ] ||
  fail "$mnt is mounted as '$(mount_of "$r$mnt")', not 'fschedfs fuse.fschedfs'"
in_root "$r" fsched top -b -n 1 >/dev/null || fail "fsched top -b -n 1 on the unit's mount"
rfc_split "$r$mnt" "the unit's mount"
# Restart=on-failure after a crash: SIGKILL leaves a dead mount behind; the
# next start detaches it and brings the groups back from their cgroups.
mkdir "$r$mnt/0/kept"
kill -9 "$daemon"
wait "$daemon" 2>/dev/null || true
start_unit
[ -d "$r$mnt/0/kept" ] || fail "0/kept is gone after a SIGKILL and a restart"
rmdir "$r$mnt/0/kept"
say "unit: restarted over the mount a SIGKILLed daemon left"
# ExecReload (SIGHUP): the default /etc/fsched/rules is read; a bad one is
# refused with its line number and the daemon stays.
reload=$(sed -n 's/^ExecReload=//p' "$unit")
[ "$reload" = '/bin/kill -HUP $MAINPID' ] || fail "ExecReload is '$reload'"
mkdir -p "$r/etc/fsched"
sed 's/^#uid>=1000 0\/users/uid>=9000 0\/users/' "$r/usr/share/doc/fsched/examples/rules.example" \
  >"$r/etc/fsched/rules"
in_root "$r" fsched rules check /etc/fsched/rules >/dev/null || fail "fsched rules check on the example"
kill -HUP "$daemon"
for _ in $(seq 50); do [ -d "$r$mnt/0/users" ] && break; sleep 0.1; done
[ -d "$r$mnt/0/users" ] || { cat "$work/daemon.log"; fail "0/users not made on reload"; }
printf 'uid>=9000 0/other\nbogus=1 0/x\n' >"$r/etc/fsched/rules"
kill -HUP "$daemon"
for _ in $(seq 50); do grep -q 'rules:2:' "$work/daemon.log" && break; sleep 0.1; done
grep -q '/etc/fsched/rules:2: ' "$work/daemon.log" || { cat "$work/daemon.log"; fail "a bad rules file was not refused with its line"; }
kill -0 "$daemon" || fail "the daemon ended on SIGHUP"
[ ! -d "$r$mnt/0/other" ] || fail "a refused rules file was applied"
rm -rf "$r/etc/fsched"
rmdir "$r$mnt/0/users"
say "unit: reload took the rules file, then refused a bad one and kept running"
kill -TERM "$daemon"
status=0
wait "$daemon" || status=$?
[ "$status" -eq 0 ] || { cat "$work/daemon.log"; fail "fschedfs ended with status $status on SIGTERM"; }
[ -z "$(mount_of "$r$mnt")" ] || fail "$mnt still mounted after SIGTERM"
rm -f "$r/run/notify-test"
say "unit: started, ready, split, stopped in $((SECONDS - t)) s"

# ---- the fstab example, through mount(8) and mount.fuse3 ----
t=$SECONDS
line=$(grep -v '^#' "$r/usr/share/doc/fsched/examples/fstab.example" | grep fuse.fschedfs)
read -r fs_src fs_dir fs_type fs_opts _ <<<"$line"
fs_dir=/mnt/sched-groups
printf '%s %s %s %s 0 0\n' "$fs_src" "$fs_dir" "$fs_type" "${fs_opts/backend=auto/$opts}" >>"$r/etc/fstab"
mkdir -p "$r$fs_dir"
in_root "$r" mount "$fs_dir" >"$work/mount.log" 2>&1 || { cat "$work/mount.log"; fail "mount $fs_dir"; }
[ "$(mount_of "$r$fs_dir")" = "fschedfs fuse.fschedfs" ] ||
  fail "mount(8) mounted '$(mount_of "$r$fs_dir")', not 'fschedfs fuse.fschedfs'"
[ -f "$r$fs_dir/0/tasks" ] || fail "the fstab mount has no 0/tasks"
rfc_split "$r$fs_dir" "the fstab mount"
in_root "$r" umount "$fs_dir" || fail "umount $fs_dir"
# The detached daemon ends with its mount.
for _ in $(seq 50); do
  left=$(for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$r" ] && echo "${p#/proc/}"; done || true)
  [ -z "$left" ] && break
  sleep 0.1
done
[ -z "$left" ] || fail "processes still run in the test root after umount: $left"
say "fstab line: mounted by mount.fuse3, split, unmounted in $((SECONDS - t)) s"

# ---- the module's DKMS package (docs/kmod.md) ----
# No kernel headers in this root: DKMS adds the source and builds nothing.
t=$SECONDS
cp "$dkms_deb" "$r/tmp/"
in_root "$r" apt-get install -y -q --no-install-recommends "/tmp/${dkms_deb##*/}" \
  >"$work/dkms.log" 2>&1 || { tail -n 30 "$work/dkms.log"; fail "apt-get install ./${dkms_deb##*/}"; }
rm "$r/tmp/${dkms_deb##*/}"
for f in dkms.conf fsched_proc.c Kbuild Makefile; do
  [ -f "$r/usr/src/fsched-proc-0.1.0/$f" ] || fail "fsched-proc-dkms has no /usr/src/fsched-proc-0.1.0/$f"
done
status=$(in_root "$r" dkms status fsched-proc 2>&1)
[[ $status == *"fsched-proc/0.1.0"*added* ]] || fail "dkms status after install: $status"
in_root "$r" apt-get purge -y -q fsched-proc-dkms >>"$work/dkms.log" 2>&1 ||
  fail "apt-get purge fsched-proc-dkms"
[ ! -e "$r/usr/src/fsched-proc-0.1.0" ] && [ -z "$(in_root "$r" dkms status fsched-proc 2>&1)" ] ||
  fail "fsched-proc-dkms left its source or its DKMS entry"
say "fsched-proc-dkms: source in /usr/src, added to DKMS (${status}), purged, in $((SECONDS - t)) s"

# ---- purge ----
in_root "$r" apt-get purge -y -q fsched >>"$work/install.log" 2>&1 || fail "apt-get purge fsched"
in_root "$r" dpkg-query -W -f='${Status}' fsched 2>/dev/null | grep -qv 'not-installed' &&
  fail "dpkg still knows fsched after purge"
while IFS= read -r f; do
  [ -d "$r$f" ] || [ ! -e "$r$f" ] || fail "$f is left after purge"
done <"$work/files"
left=$(cd "$r" && find . -xdev -path ./var/cache/apt/archives -prune -o -path ./var/log -prune -o \
  -name '*fsched*' -print)
[ -z "$left" ] || fail "left after purge: $left"
say "purged: nothing of fsched is left"
say "PASS in $SECONDS s"
