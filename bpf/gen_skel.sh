#!/bin/sh
# bpftool gen skeleton, minus the one line libbpf 1.4.6 cannot compile:
# bpftool 7.5 points a struct_ops map at its link (map->link), a field
# libbpf 1.4.6's bpf_map_skeleton lacks. The loader attaches the
# struct_ops map itself, so nothing needs that pointer.
#   gen_skel.sh BPFTOOL OBJECT NAME OUTPUT
set -eu
"$1" gen skeleton "$2" name "$3" | grep -v -e '->link = ' >"$4.tmp"
mv "$4.tmp" "$4"
