// The rules file's grammar. Each line is parsed on its own and a bad line
// only adds its reason: the admin learns of every mistake in one pass.
#include "placement_rules.hpp"

#include <cerrno>
#include <charconv>
#include <utility>

#include "names.hpp"

namespace fsched {

namespace {

// Longer lines are typos or binary junk, not rules; a bound keeps the
// error message (which quotes tokens) small.
constexpr std::size_t kMaxLine = 4096;
// The kernel keeps 15 bytes of a name in comm (TASK_COMM_LEN less the NUL):
// a longer comm= could never match.
constexpr std::size_t kMaxComm = 15;
// (uid_t)-1 and (gid_t)-1 mean "no id" to the kernel (setresuid's "leave
// it"), so no process has them.
constexpr std::uint32_t kMaxId = 4294967294u;

constexpr const char* kKinds = "(uid=, user=, gid=, group=, comm=, exe=)";

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

bool parse_id(std::string_view s, std::uint32_t* out) {
  if (!is_all_digits(s)) return false;  // no sign, no spaces, no hex
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > kMaxId) return false;
  *out = static_cast<std::uint32_t>(v);
  return true;
}

std::string bad_id(std::string_view key, std::string_view value) {
  return key == "uid" || key == "uid>"
             ? "bad uid " + quoted(value) + ": a decimal number from 0 to 4294967294"
             : "bad gid " + quoted(value) + ": a decimal number from 0 to 4294967294";
}

// One MATCH token into `m`; an empty string, or why not.
std::string parse_match(std::string_view token, const NameLookup& names, RuleMatch* m) {
  const auto eq = token.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    if (token == "0" || token.substr(0, 2) == "0/")
      return quoted(token) + " is a group: a rule has one group, at its end";
    return "unknown match " + quoted(token) + " " + kKinds;
  }
  const std::string_view key = token.substr(0, eq);
  const std::string_view value = token.substr(eq + 1);
  if (key == "uid") {
    m->kind = RuleMatch::Kind::uid;
    const auto dash = value.find('-');
    if (dash == std::string_view::npos || dash == 0) {  // "-1" is no range but a bad uid
      if (!parse_id(value, &m->lo)) return bad_id(key, value);
      m->hi = m->lo;
      return {};
    }
    if (!parse_id(value.substr(0, dash), &m->lo) || !parse_id(value.substr(dash + 1), &m->hi))
      return "bad uid range " + quoted(value) + ": N-M, decimal numbers from 0 to 4294967294";
    if (m->lo > m->hi) return "bad uid range " + quoted(value) + ": the first is above the last";
    return {};
  }
  if (key == "uid>") {
    m->kind = RuleMatch::Kind::uid;
    if (!parse_id(value, &m->lo)) return bad_id(key, value);
    m->hi = kMaxId;
    return {};
  }
  if (key == "user") {
    m->kind = RuleMatch::Kind::uid;
    const auto uid = value.empty() ? std::nullopt : names.user(std::string(value));
    if (!uid) return "unknown user " + quoted(value);
    m->lo = m->hi = static_cast<std::uint32_t>(*uid);
    return {};
  }
  if (key == "gid") {
    m->kind = RuleMatch::Kind::gid;
    if (!parse_id(value, &m->lo)) return bad_id(key, value);
    m->hi = m->lo;
    return {};
  }
  if (key == "group") {
    m->kind = RuleMatch::Kind::group;
    const auto gid = value.empty() ? std::nullopt : names.group(std::string(value));
    if (!gid) return "unknown group " + quoted(value);
    m->lo = m->hi = static_cast<std::uint32_t>(*gid);
    return {};
  }
  if (key == "comm") {
    m->kind = RuleMatch::Kind::comm;
    if (value.empty()) return "comm= needs a name";
    if (value.size() > kMaxComm)
      return "comm=" + std::string(value) + " is longer than 15 bytes, which the kernel keeps " +
             "of a process name: it would never match";
    m->text = value;
    return {};
  }
  if (key == "exe") {
    m->kind = RuleMatch::Kind::exe;
    if (value.empty() || value.front() != '/')
      return "exe=" + std::string(value) + " is not an absolute path";
    m->text = value;
    return {};
  }
  return "unknown match " + quoted(token) + " " + kKinds;
}

std::string bad_component(std::string_view c) {
  if (c.empty()) return "an empty name between slashes";
  if (is_all_digits(c)) return quoted(c) + " is a pid directory, not a group";
  if (c.size() > kMaxGroupName) return quoted(c) + " is longer than 64 bytes";
  if (c.front() == '.') return quoted(c) + " starts with a dot";
  if (check_group_name(c) == EEXIST)
    return quoted(c) + " is reserved (a file of every group or pid directory)";
  return quoted(c) + " has a byte other than A-Z a-z 0-9 _ . -";
}

// The GROUP token into `out`; an empty string, or why not.
std::string parse_group(std::string_view token, GroupPath* out) {
  const std::string_view whole = token;
  // One trailing '/' is how a shell completes a directory: "0/users/".
  if (token.size() > 1 && token.back() == '/') token.remove_suffix(1);
  if (token != "0" && token.substr(0, 2) != "0/")
    return "bad group " + quoted(whole) + ": a group path starts at 0, as 0/users";
  out->clear();
  std::string_view rest = token.substr(1);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the '/'
    const auto slash = rest.find('/');
    const std::string_view c = rest.substr(0, slash);
    if (check_group_name(c) != 0) return "bad group " + quoted(whole) + ": " + bad_component(c);
    out->emplace_back(c);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return {};
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// A line's tokens, the comment cut off.
std::vector<std::string_view> tokens_of(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_blank(line[i])) ++i;
    if (i == line.size() || line[i] == '#') break;
    std::size_t j = i;
    while (j < line.size() && !is_blank(line[j])) ++j;
    out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// One line into `rule`; an empty string, or why not. `rule` is
// untouched by a blank or comment line (no matches).
std::string parse_line(std::string_view line, const NameLookup& names, PlacementRule* rule) {
  if (line.size() > kMaxLine) return "longer than 4096 bytes";
  if (line.find('\0') != std::string_view::npos) return "a NUL byte";
  const auto tokens = tokens_of(line);
  if (tokens.empty()) return {};
  const std::string_view last = tokens.back();
  if (last.find('=') != std::string_view::npos)
    return "no group at the end of the line (as uid>=1000 0/users)";
  if (tokens.size() == 1) return "no match before the group " + quoted(last);
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    RuleMatch m;
    if (auto why = parse_match(tokens[i], names, &m); !why.empty()) return why;
    rule->matches.push_back(std::move(m));
  }
  return parse_group(last, &rule->group);
}

}  // namespace

std::string group_text(const GroupPath& group) {
  std::string s = "0";
  for (const auto& c : group) s += "/" + c;
  return s;
}

Result<RuleSet> parse_rules(std::string_view text, const NameLookup& names,
                            std::string_view source) {
  std::vector<PlacementRule> rules;
  std::string errors;
  int number = 0;
  while (!text.empty()) {
    ++number;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    // A file saved with CRLF line ends reads the same.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    PlacementRule rule;
    rule.line = number;
    const std::string why = parse_line(line, names, &rule);
    if (!why.empty()) {
      if (!errors.empty()) errors += '\n';
      errors += std::string(source) + ":" + std::to_string(number) + ": " + why;
    } else if (!rule.matches.empty()) {
      rules.push_back(std::move(rule));
    }
  }
  // Lines are read in order, so the messages are sorted by line already.
  if (!errors.empty()) return Error{EINVAL, std::move(errors)};
  return RuleSet(std::move(rules));
}

}  // namespace fsched
