// top's report as JSON, one document per screen: groups -> users ->
// processes, from the same rows as the text (top_text.hpp), so a script
// reads exactly what a person sees. `fsched record` writes these too.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "top_report.hpp"

namespace fsched::cli {

struct ReportHead {
  std::string mount;
  double time = 0;      // wall clock of the later sample, Unix seconds
  double interval = 0;  // what was asked for
  double elapsed = 0;   // what passed between the two samples
  bool cpu_time = false;
};

// Percentages with two decimals, as the stats files have them; an absent
// entitlement is null.
nlohmann::ordered_json report_json(const ReportHead& head, const std::vector<ReportRow>& rows);

}  // namespace fsched::cli
