#!/usr/bin/env bash
# Checks the man pages and the bash completion (meson test `man`):
#   * every page in docs/man renders with groff without a warning, and
#     man(1) shows it with NAME and SYNOPSIS;
#   * every subcommand `fsched --help` names is in fsched.1;
#   * the completion offers every one of them for `fsched <TAB>`.
#
#   check-docs.sh SOURCE_ROOT FSCHED_EXE
# Exits 77 (skipped) when groff or man is not installed.
set -uo pipefail

src=${1:?usage: check-docs.sh SOURCE_ROOT FSCHED_EXE}
fsched=${2:?usage: check-docs.sh SOURCE_ROOT FSCHED_EXE}
failed=0
fail() { echo "FAIL: $*"; failed=1; }

for tool in groff man; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (scripts/install-deps.sh installs it)"
    exit 77
  fi
done

pages=("$src"/docs/man/*.[158])
[ -e "${pages[0]}" ] || { echo "FAIL: no pages in $src/docs/man"; exit 1; }
for page in "${pages[@]}"; do
  name=${page##*/}
  before=$failed failed=0
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  [ -z "$warnings" ] || fail "$name: groff warns: $warnings"
  text=$(MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$page" 2>&1)
  for section in NAME SYNOPSIS; do
    grep -q "^$section\$" <<<"$text" || fail "$name: no $section section in man -l's output"
  done
  [ "$failed" -ne 0 ] || echo "ok: $name"
  failed=$((before | failed))
done

# The subcommands of `fsched --help`: on each usage line, the words after
# "fsched" up to the first option or argument ("guest load OBJ" -> "guest load").
help=$("$fsched" --help) || { echo "FAIL: $fsched --help failed"; exit 1; }
mapfile -t commands < <(awk '
  { for (i = 1; i < NF; i++) if ($i == "fsched") {
      cmd = ""
      for (j = i + 1; j <= NF && $j ~ /^[a-z][a-z-]*$/; j++) cmd = cmd (cmd ? " " : "") $j
      if (cmd != "") print cmd
      break } }' <<<"$help" | sort -u)
[ "${#commands[@]}" -gt 0 ] || { echo "FAIL: no subcommands found in fsched --help"; exit 1; }
manual=$(MANWIDTH=200 MANPAGER=cat PAGER=cat man -l "$src/docs/man/fsched.1" 2>/dev/null)
for cmd in "${commands[@]}"; do
  grep -q "fsched $cmd\\b" <<<"$manual" || fail "fsched.1 does not document \"fsched $cmd\""
done
echo "fsched --help names: $(IFS=,; echo "${commands[*]}")"

# The completion, sourced in a bash of its own, for `fsched <TAB>` and
# `fsched guest <TAB>`.
complete_words() {
  bash -c '
    source "$1" || exit 1
    shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _fsched
    printf "%s\n" "${COMPREPLY[@]}"' bash "$src/dist/bash-completion/fsched" "$@"
}
offered=$(complete_words fsched "") || fail "the completion script does not load"
for cmd in "${commands[@]}"; do
  first=${cmd%% *}
  grep -qx "$first" <<<"$offered" || fail "completion does not offer \"$first\" for fsched <TAB>"
  if [ "$cmd" != "$first" ]; then
    offered_sub=$(complete_words fsched "$first" "")
    grep -qx "${cmd#* }" <<<"$offered_sub" ||
      fail "completion does not offer \"${cmd#* }\" for fsched $first <TAB>"
  fi
done
[ "$failed" -ne 0 ] || echo "ok: the completion offers every subcommand"
exit "$failed"
