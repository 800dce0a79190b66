#include "top_text.hpp"

#include <algorithm>
#include <cstdio>

namespace fsched::cli {

namespace {
// Past this a label is not padded: one long group name must not push
// every line's numbers off a terminal.
constexpr std::size_t kMaxLabelWidth = 44;

std::string bar(double pct, int width) {
  int n = std::clamp(static_cast<int>(pct / 100.0 * width + 0.5), 0, width);
  return "[" + std::string(static_cast<std::size_t>(n), '|') +
         std::string(static_cast<std::size_t>(width - n), ' ') + "]";
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}
}  // namespace

std::string row_text_label(const ReportRow& r) {
  switch (r.kind) {
    case ReportRow::Kind::group:
      return r.label + ":";
    case ReportRow::Kind::user:
      return "  " + r.label + ":";
    case ReportRow::Kind::process:
      return "    " + r.label;
  }
  return r.label;
}

std::string format_entitled(const ReportRow& r) {
  if (!r.entitled) return std::string(8, ' ');
  char buf[32];
  std::snprintf(buf, sizeof buf, "%7.1f%%", *r.entitled);
  return buf;
}

std::vector<std::string> report_lines(const std::vector<ReportRow>& rows, bool tty) {
  std::size_t width = 0;
  bool any_entitled = false, any_off = false;
  for (const auto& r : rows) {
    width = std::max(width, std::min(row_text_label(r).size(), kMaxLabelWidth));
    any_entitled = any_entitled || r.entitled.has_value();
    any_off = any_off || off_entitlement(r);
  }
  std::vector<std::string> out;
  // Headed as format_pct and format_entitled print: "%5.1f%%" is 6 wide.
  out.push_back(pad("", width) + "    CPU    USER  SYSTEM" + (any_entitled ? "   ENTITLED" : ""));
  for (const auto& r : rows) {
    std::string label = pad(row_text_label(r), width);
    if (tty && r.kind == ReportRow::Kind::group) label = "\x1b[1;34m" + label + "\x1b[0m";
    if (tty && r.kind == ReportRow::Kind::user) label = "\x1b[1;32m" + label + "\x1b[0m";
    std::string line = label + " " + format_pct(r.pct);
    if (any_entitled) line += "  " + format_entitled(r) + (off_entitlement(r) ? " !" : "  ");
    if (tty && r.kind != ReportRow::Kind::group) line += " " + bar(r.pct.total, 20);
    while (!tty && !line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(std::move(line));
  }
  if (any_off) {
    char legend[160];
    std::snprintf(legend, sizeof legend,
                  "! %.0f points and %.0f %% or more off ENTITLED, the weights' share given who "
                  "was busy",
                  kOffEntitledPoints, 100 * kOffEntitledFraction);
    out.emplace_back(legend);
  }
  return out;
}

}  // namespace fsched::cli
