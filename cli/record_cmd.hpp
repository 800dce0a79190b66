// fsched record: top's JSON documents (top_json.hpp), one line per
// interval, into a file for `fsched plot` or jq, until -t or a signal.
#pragma once

#include <string>

namespace fsched::cli {

struct RecordOptions {
  std::string mount;
  std::string file;  // "-": stdout
  double interval = 1.0;
  double seconds = 0;  // 0: until SIGINT or SIGTERM
};

int run_record(const RecordOptions& options);

}  // namespace fsched::cli
