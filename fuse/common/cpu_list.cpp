#include "cpu_list.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>

namespace fsched {

namespace {
bool parse_cpu(std::string_view text, std::size_t* out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size() && *out < kMaxCpus;
}
}  // namespace

std::size_t CpuSet::count() const {
  std::size_t n = 0;
  for (auto w : words_) n += static_cast<std::size_t>(__builtin_popcountll(w));
  return n;
}

void CpuSet::add(std::size_t cpu) {
  if (cpu >= kMaxCpus) return;
  if (words_.size() <= cpu / 64) words_.resize(cpu / 64 + 1, 0);
  words_[cpu / 64] |= std::uint64_t{1} << (cpu % 64);
}

bool CpuSet::subset_of(const CpuSet& other) const {
  for (std::size_t i = 0; i < words_.size(); ++i)
    if (words_[i] & ~(i < other.words_.size() ? other.words_[i] : 0)) return false;
  return true;
}

CpuSet CpuSet::operator&(const CpuSet& other) const {
  CpuSet s;
  s.words_.resize(std::min(words_.size(), other.words_.size()));
  for (std::size_t i = 0; i < s.words_.size(); ++i) s.words_[i] = words_[i] & other.words_[i];
  s.trim();
  return s;
}

CpuSet CpuSet::operator|(const CpuSet& other) const {
  CpuSet s = words_.size() >= other.words_.size() ? *this : other;
  const CpuSet& small = words_.size() >= other.words_.size() ? other : *this;
  for (std::size_t i = 0; i < small.words_.size(); ++i) s.words_[i] |= small.words_[i];
  return s;
}

void CpuSet::trim() {
  while (!words_.empty() && words_.back() == 0) words_.pop_back();
}

std::optional<CpuSet> parse_cpu_list(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  CpuSet set;
  if (text.empty()) return set;
  while (true) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    auto dash = item.find('-');
    std::size_t lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (!parse_cpu(item, &lo)) return std::nullopt;
      hi = lo;
    } else if (!parse_cpu(item.substr(0, dash), &lo) || !parse_cpu(item.substr(dash + 1), &hi) ||
               hi < lo) {
      return std::nullopt;
    }
    for (std::size_t c = lo; c <= hi; ++c) set.add(c);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return set;
}

std::string format_cpu_list(const CpuSet& set) {
  std::string out;
  const std::size_t limit = std::min(kMaxCpus, set.count() ? kMaxCpus : 0);
  for (std::size_t c = 0; c < limit; ++c) {
    if (!set.has(c)) continue;
    std::size_t end = c;
    while (end + 1 < kMaxCpus && set.has(end + 1)) ++end;
    if (!out.empty()) out += ',';
    out += std::to_string(c);
    if (end > c) out += '-' + std::to_string(end);
    c = end;
  }
  return out;
}

std::optional<CpuSet> read_cpu_list_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_cpu_list(text);
}

}  // namespace fsched
