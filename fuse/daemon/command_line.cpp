#include "command_line.hpp"

namespace fsched {

namespace {
// fuse_opt splits -o lists on commas; a backslash keeps one in a value.
std::string escape_option_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == ',' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

bool names_option(const std::string& opts, const std::string& key) {
  std::size_t pos = 0;
  while ((pos = opts.find(key + "=", pos)) != std::string::npos) {
    if (pos == 0 || opts[pos - 1] == ',') return true;
    pos += key.size();
  }
  return false;
}
}  // namespace

CommandLine normalize_command_line(int argc, const char* const* argv) {
  CommandLine line;
  std::vector<int> words;  // indices of words that are not options
  std::string options;     // every -o list, joined, to see what was given
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-o" && i + 1 < argc) {
      options += std::string(",") + argv[++i];
    } else if (a.starts_with("-o")) {
      options += "," + a.substr(2);
    } else if (a.empty() || a[0] != '-') {
      words.push_back(i);
    }
  }
  // Two words: SOURCE MOUNTPOINT. Any other count is libfuse's to refuse.
  int source_at = words.size() == 2 ? words[0] : -1;
  for (int i = 0; i < argc; ++i) {
    if (i == source_at)
      line.source = argv[i];
    else
      line.args.emplace_back(argv[i]);
  }
  if (!names_option(options, "fsname"))
    line.args.push_back("-ofsname=" +
                        escape_option_value(line.source.empty() ? "fschedfs" : line.source));
  if (!names_option(options, "subtype")) line.args.push_back("-osubtype=fschedfs");
  return line;
}

std::vector<char*> c_argv(CommandLine& line) {
  std::vector<char*> out;
  for (auto& a : line.args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace fsched
