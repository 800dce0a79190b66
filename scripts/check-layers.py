#!/usr/bin/env python3
"""Checks the layer rules of docs/design.md ("Layers") from the sources.

meson already refuses most crossings (each layer's library sees only the
include directories it may use), but a header found through a transitive
dependency, a system header such as fuse_lowlevel.h, or a folder circle
would still compile. This script reads every #include and says which file
breaks which rule. Run from anywhere: scripts/check-layers.py [REPO].
Exit status 0 when every rule holds, 1 otherwise.
"""
import os
import re
import sys
from pathlib import Path

# Folder -> the folders its files may include (besides itself). Mirrors the
# table in docs/design.md; keep the two together.
ALLOWED = {
    "fuse/common": set(),
    "fuse/sys": {"fuse/common"},
    "fuse/backend": {"fuse/common"},
    "fuse/backend/memory": {"fuse/backend", "fuse/common"},
    "fuse/backend/cgroup": {"fuse/backend", "fuse/sys", "fuse/common"},
    "fuse/backend/scx": {"fuse/backend/cgroup", "fuse/backend", "fuse/sys", "fuse/common", "bpf"},
    "fuse/model": {"fuse/backend", "fuse/common"},
    "fuse/rules": {"fuse/model", "fuse/backend", "fuse/common"},
    "fuse/watch": {"fuse/rules", "fuse/model", "fuse/backend", "fuse/sys", "fuse/common"},
    "fuse/vfs": {"fuse/watch", "fuse/rules", "fuse/model", "fuse/backend", "fuse/sys",
                 "fuse/common"},
    "fuse/daemon": {"fuse/vfs", "fuse/watch", "fuse/rules", "fuse/model", "fuse/backend",
                    "fuse/backend/memory", "fuse/backend/cgroup", "fuse/backend/scx", "fuse/sys",
                    "fuse/common", "bpf"},
    "bpf": {"fuse/common", "bpf/guests"},
    "bpf/guests": set(),
    "cli": {"fuse/rules", "fuse/common", "bpf"},
    "kmod": set(),  # kernel code: nothing of ours
}

# System headers only some places may include: (pattern, folders, files).
RESTRICTED = [
    (re.compile(r"^fuse_lowlevel\.h$|^fuse\.h$"), {"fuse/vfs"}, set()),
    # Option parsing uses libfuse's parser; nothing else outside the VFS does.
    (re.compile(r"^fuse_opt\.h$"), {"fuse/vfs"}, {"fuse/daemon/options.cpp"}),
    # Talking to the service manager is the composition root's business.
    (re.compile(r"^systemd/"), set(), {"fuse/daemon/service_notify.cpp"}),
    (re.compile(r"^(bpf/|libbpf)"), {"bpf", "bpf/guests", "bpf/spike"}, set()),
]
# The module may include kernel headers and nothing else.
KMOD_ONLY = re.compile(r"^(linux|asm|uapi)/")

MAX_LINES = 400
GENERATED = re.compile(r"(^|/)vmlinux[^/]*\.h$|\.skel\.h$")
SOURCES = (".c", ".h", ".cpp", ".hpp")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    files = [p for top in ("fuse", "bpf", "cli", "tests", "bench", "kmod")
             for p in sorted((root / top).rglob("*")) if p.suffix in SOURCES and p.is_file()]
    rel = {p: p.relative_to(root).as_posix() for p in files}
    by_name = {}
    for p in files:
        by_name.setdefault(p.name, []).append(rel[p])

    errors = []
    edges = {}
    for p in files:
        path = rel[p]
        folder = os.path.dirname(path)
        text = p.read_text(errors="replace")
        lines = text.count("\n")
        if lines > MAX_LINES and not GENERATED.search(path):
            errors.append(f"{path}: {lines} lines (more than {MAX_LINES}): split it by concept")
        if folder not in ALLOWED:
            continue  # tests/, bench/: no layer rule
        for n, line in enumerate(text.splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, name = m.groups()
            if folder == "kmod" and not (kind == "<" and KMOD_ONLY.search(name)):
                errors.append(f"{path}:{n}: kmod/ includes kernel headers only, not {name}")
                continue
            if kind == "<":
                for pat, folders, extra in RESTRICTED:
                    if pat.search(name) and folder not in folders and path not in extra:
                        errors.append(f"{path}:{n}: <{name}> is not allowed in {folder}/")
                continue
            base = os.path.basename(name)
            here = os.path.normpath(os.path.join(folder, name))
            targets = [here] if here in by_name.get(base, []) else by_name.get(base, [])
            if not targets:
                continue  # generated at build time (skeletons)
            target = os.path.dirname(targets[0])
            if target == folder:
                continue
            edges.setdefault(folder, set()).add(target)
            if target not in ALLOWED[folder]:
                errors.append(f'{path}:{n}: "{name}" is in {target}/, which {folder}/ may not include')

    # No circle between folders, whatever the table says.
    state = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt]
                errors.append("folders include each other: " + " -> ".join(cycle))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])

    for e in errors:
        print(e)
    print(f"check-layers: {len(files)} files, {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
