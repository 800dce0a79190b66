#include "placement_marks.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "proc_stat.hpp"
#include "replace_file.hpp"

namespace fsched {

namespace {
constexpr std::string_view kHeader = "fsched placements 1 boot ";

const char* name_of(Placement how) {
  switch (how) {
    case Placement::rule:
      return "rule";
    case Placement::hand:
      return "hand";
    case Placement::sticky:
      return "sticky";
  }
  return "rule";
}

bool placement_of(std::string_view word, Placement* how) {
  for (Placement p : {Placement::rule, Placement::hand, Placement::sticky})
    if (word == name_of(p)) {
      *how = p;
      return true;
    }
  return false;
}

std::string boot_id() {
  auto id = read_small_file("/proc/sys/kernel/random/boot_id");
  if (!id) return "";
  while (!id->empty() && id->back() == '\n') id->pop_back();
  return *id;
}
}  // namespace

std::string marks_file_name(const std::string& mount_point) {
  std::string out;
  std::size_t i = 0;
  while (i < mount_point.size() && mount_point[i] == '/') ++i;
  for (; i < mount_point.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(mount_point[i]);
    if (c == '/') {
      if (!out.empty() && out.back() != '-') out += '-';
    } else if (std::isalnum(c) || c == '_' || (c == '.' && !out.empty())) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (!out.empty() && out.back() == '-') out.pop_back();
  return (out.empty() ? "-" : out) + ".placements";
}

std::string format_marks(const Tree& tree, std::string_view boot_id) {
  std::string out;
  for (const auto& [pid, p] : tree.processes()) {
    // What a start guesses anyway need not be said.
    const bool guessed =
        p.group == kHostGroup ? p.placement == Placement::rule : p.placement == Placement::hand;
    if (guessed || p.info.kernel_thread) continue;
    out += std::to_string(pid) + ' ' + std::to_string(p.info.start_time) + ' ' +
           name_of(p.placement) + '\n';
  }
  if (out.empty()) return out;
  return std::string(kHeader) + std::string(boot_id) + '\n' + out;
}

SavedMarks parse_marks(std::string_view text, std::string_view boot_id) {
  SavedMarks out;
  std::istringstream in{std::string(text)};
  std::string line;
  if (!std::getline(in, line) || boot_id.empty() ||
      line != std::string(kHeader) + std::string(boot_id))
    return out;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    long long pid = 0;
    std::uint64_t start = 0;
    std::string how_word, extra;
    Placement how;
    if (!(words >> pid >> start >> how_word) || (words >> extra) || pid <= 0 ||
        !placement_of(how_word, &how))
      continue;
    out[static_cast<pid_t>(pid)] = SavedMark{start, how};
  }
  return out;
}

std::string this_boot() {
  static const std::string id = boot_id();
  return id;
}

Status save_marks(const std::string& path, const Tree& tree) {
  return write_marks(path, format_marks(tree, this_boot()));
}

Status write_marks(const std::string& path, const std::string& text) {
  if (text.empty()) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return make_error(errno, "cannot remove " + path + ": " + std::strerror(errno));
    return Ok{};
  }
  const std::size_t slash = path.rfind('/');
  const std::string dir = path.substr(0, slash);
  if (!dir.empty() && ::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return make_error(errno, "cannot make " + dir + ": " + std::strerror(errno));
  return replace_file(dir, path.substr(slash + 1), text);
}

SavedMarks take_marks(const std::string& path) {
  // Some 25 bytes a mark: room for every pid a machine may have in use.
  auto text = read_small_file(path, std::size_t{128} << 20);
  if (!text) return {};
  ::unlink(path.c_str());
  return parse_marks(*text, this_boot());
}

}  // namespace fsched
