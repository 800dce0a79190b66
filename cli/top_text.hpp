// top's report as text: the assignment's monitor lines ("User 9000: 60%
// ( 60%, 0%)"), in columns, with the entitlement beside the share and a
// mark on rows off it. The same rows make the JSON (top_json.hpp).
#pragma once

#include <string>
#include <vector>

#include "top_report.hpp"

namespace fsched::cli {

// The column header, one line per row and, when a row is marked, the
// legend. tty: colors and bars.
std::vector<std::string> report_lines(const std::vector<ReportRow>& rows, bool tty);

// "  User 9000:", "    (piglet) 7840": a row's label as indented in the text.
std::string row_text_label(const ReportRow& row);

// " 16.7%", or blanks when the row has no entitlement.
std::string format_entitled(const ReportRow& row);

}  // namespace fsched::cli
