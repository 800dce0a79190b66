# Sourced by scripts that download Debian packages: no mirror host is
# written into the repository, the system's own sources name it.

# The first Debian mirror named in the system's own sources, deb822 or
# one-line format.
system_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      /^URIs:/ { uri=$2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") ok=1 }
      /^$/ { if (ok && uri != "") { print uri; exit } ok=0; uri="" }
      END { if (ok && uri != "") print uri }' "$f" | head -n1
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' "$f"
  done
}
