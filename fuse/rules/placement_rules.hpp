// Placement rules (the spec's "Placement rules"): which group a process
// belongs in, from who runs it and what it runs. One rule a line,
//
//     MATCH [MATCH...] GROUP        # uid>=1000 group=students 0/users
//
// all MATCHes of a line must hold and the first line that holds wins. A
// file is parsed whole: any error refuses all of it, so the daemon never
// runs half of an admin's intent. Names (user=, group=) are resolved when
// the file is read, not per process: an unknown name is an error the admin
// sees at once, and a reload picks up new accounts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "group_path.hpp"
#include "result.hpp"

namespace fsched {

// What a rule can look at. uid and gid are the real ones (they own the
// process's <pid>/ directory); `groups` (supplementary), `comm` and `exe`
// are read only when some rule asks for them (RuleSet::needs()).
struct ProcessFacts {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string comm;  // as /proc/PID/comm
  std::string exe;   // the target of /proc/PID/exe
};

// Bits of RuleSet::needs(): the facts beyond uid and gid to read.
enum RuleNeed : unsigned {
  kNeedGroups = 1u << 0,
  kNeedComm = 1u << 1,
  kNeedExe = 1u << 2,
};

struct RuleMatch {
  enum class Kind { uid, gid, group, comm, exe } kind = Kind::uid;
  // uid: [lo, hi]; gid and group: lo (hi unused); user=NAME is a uid match.
  // gid=N and group=NAME are the same test, membership: the real gid or
  // one of the supplementary groups (rule_set.cpp says why).
  std::uint32_t lo = 0;
  std::uint32_t hi = 0;
  std::string text;  // comm, exe

  bool holds(const ProcessFacts& f) const;
};

struct PlacementRule {
  int line = 0;  // in the file, from 1
  std::vector<RuleMatch> matches;
  GroupPath group;  // below 0; empty is 0 itself
};

class RuleSet {
 public:
  RuleSet() = default;
  explicit RuleSet(std::vector<PlacementRule> rules);

  const std::vector<PlacementRule>& rules() const { return rules_; }
  bool empty() const { return rules_.empty(); }
  unsigned needs() const { return needs_; }
  // The first rule that holds for `f`, or null: the process is not moved.
  const PlacementRule* match(const ProcessFacts& f) const;
  // Every group the rules name, each once, in the order of the file.
  std::vector<GroupPath> groups() const;

 private:
  std::vector<PlacementRule> rules_;
  unsigned needs_ = 0;
};

// "0/users", and "0" for the host group: how the file and the log name a
// group.
std::string group_text(const GroupPath& group);

// How user= and group= names become ids; the system's (getpwnam_r,
// getgrnam_r) unless a test gives its own.
struct NameLookup {
  std::function<std::optional<uid_t>(const std::string&)> user;
  std::function<std::optional<gid_t>(const std::string&)> group;
};
NameLookup system_names();

// Parses a rules file's text. On error, Error::code is EINVAL and
// Error::message has one line per bad line of the file,
// "SOURCE:LINE: reason" (sorted by line), so the log and `fsched rules
// check` say every problem at once.
Result<RuleSet> parse_rules(std::string_view text, const NameLookup& names,
                            std::string_view source = "rules");
// Reads and parses the file at `path`. A missing or unreadable file is an
// error too ("PATH: No such file or directory"), with that errno as code.
Result<RuleSet> load_rules(const std::string& path, const NameLookup& names = system_names());

}  // namespace fsched
