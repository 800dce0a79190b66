#include "harness_shares.hpp"

#include <dirent.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "harness.hpp"

namespace it {

std::string others_running(const std::vector<pid_t>& ours) {
  std::string out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end || pid <= 0 || pid == ::getpid() ||
        std::find(ours.begin(), ours.end(), static_cast<pid_t>(pid)) != ours.end())
      continue;
    std::ifstream in("/proc/" + std::string(e->d_name) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= stat.size())
      continue;
    if (stat[close + 2] == 'R')
      out += stat.substr(open + 1, close - open - 1) + "(" + e->d_name + ") ";
  }
  ::closedir(d);
  return out.empty() ? "nothing else" : out;
}

std::vector<double> cpu_pct_settled(const std::vector<pid_t>& pids, double seconds,
                                    const std::function<bool(const std::vector<double>&)>& ok) {
  auto pct = cpu_pct_over(pids, seconds);
  if (ok(pct)) return pct;
  std::ostringstream got;
  for (double p : pct) got << p << " ";
  WARN("missed (" << got.str() << "); running besides: " << others_running(pids)
                  << "; measuring once more");
  return cpu_pct_over(pids, seconds);
}

}  // namespace it
