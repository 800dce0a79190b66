// fsched guest: load a compiled guest scheduler into the tree, or build one
// from C against the installed SDK (docs/guests.md).
//   fsched guest load OBJ [NAME] [--set KNOB=VALUE]... [--mount DIR]
//   fsched guest build SRC.bpf.c [-o OUT.bpf.o]
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fsched::cli {

struct GuestLoadOptions {
  std::string object;
  std::string name;  // empty: the object's own scheduler name
  std::string mount;
  std::vector<std::pair<std::string, std::uint64_t>> knobs;
};

int run_guest_load(const GuestLoadOptions& o);
int run_guest_build(const std::string& source, const std::string& output);

// "KNOB=VALUE" with VALUE a non-negative integer; throws CliError.
std::pair<std::string, std::uint64_t> parse_knob(const std::string& text);

}  // namespace fsched::cli
