#include "plot_data.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "cli_error.hpp"

namespace fsched::cli {

namespace {
using nlohmann::json;

std::optional<double> pct_of(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<double>();  // throws type_error for anything but a number
}

// gnuplot's single-quoted strings know one escape: '' for '.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

PlotData read_record(std::istream& in, const std::string& file, bool by_user,
                     const std::vector<std::string>& groups) {
  PlotData data;
  std::map<std::string, std::size_t> index;                     // series key -> position
  std::map<std::string, std::pair<std::string, int>> settings;  // group -> scheduler, weight
  double first = 0;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const json doc = json::parse(line);
      const double t = doc.at("time").get<double>();
      if (data.times.empty()) {
        first = t;
        data.cpu_time = doc.value("mode", "real") == "cpu";
      }
      const std::size_t at = data.times.size();
      data.times.push_back(t - first);
      auto put = [&](const std::string& key, const std::string& title, const json& j) {
        auto [it, fresh] = index.emplace(key, data.series.size());
        if (fresh) data.series.push_back({title, {}, {}});
        PlotSeries& s = data.series[it->second];
        s.cpu.resize(at + 1);
        s.entitled.resize(at + 1);
        s.cpu[at] = pct_of(j, "cpu_pct");
        s.entitled[at] = pct_of(j, "entitled_pct");
      };
      for (const auto& g : doc.at("groups")) {
        const std::string path = g.at("path").get<std::string>();
        if (!groups.empty() && std::find(groups.begin(), groups.end(), path) == groups.end())
          continue;
        const std::string policy = g.at("scheduler").get<std::string>();
        const int weight = g.at("weight").get<int>();
        auto [old, fresh] = settings.emplace(path, std::make_pair(policy, weight));
        if (!fresh && old->second.first != policy)
          data.events.push_back({t - first, path + ": " + policy});
        if (!fresh && old->second.second != weight)
          data.events.push_back({t - first, path + ": weight " + std::to_string(weight)});
        old->second = {policy, weight};
        if (!by_user) {
          put(path, path, g);
          continue;
        }
        for (const auto& u : g.at("users")) {
          const auto uid = u.at("uid").get<long long>();
          put(path + "\n" + std::to_string(uid), path + ": " + u.at("name").get<std::string>(), u);
        }
      }
    } catch (const json::exception& e) {
      throw CliError(file + ":" + std::to_string(line_no) +
                     ": not a line of fsched record or top --json (" + e.what() + ")");
    }
  }
  if (data.times.empty()) throw CliError(file + ": no samples (record some with fsched record)");
  if (data.series.empty()) throw CliError(file + ": none of the groups asked for is in it");
  for (auto& s : data.series) {
    s.cpu.resize(data.times.size());
    s.entitled.resize(data.times.size());
  }
  return data;
}

std::vector<std::size_t> shown_series(const PlotData& data) {
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < data.series.size(); ++i) {
    const auto& c = data.series[i].cpu;
    if (std::any_of(c.begin(), c.end(), [](auto v) { return v && *v >= kPlotMinPct; }))
      shown.push_back(i);
  }
  if (shown.empty())
    for (std::size_t i = 0; i < data.series.size(); ++i) shown.push_back(i);
  return shown;
}

std::string gnuplot_data(const PlotData& data) {
  const auto shown = shown_series(data);
  std::string out;
  for (std::size_t t = 0; t < data.times.size(); ++t) {
    out += number(data.times[t]);
    for (std::size_t i : shown) {
      const auto& s = data.series[i];
      out += "\t" + (s.cpu[t] ? number(*s.cpu[t]) : std::string("?"));
      out += "\t" + (s.entitled[t] ? number(*s.entitled[t]) : std::string("?"));
    }
    out += "\n";
  }
  return out;
}

std::string gnuplot_script(const PlotData& data, const std::string& data_path,
                           const std::string& out, bool by_user) {
  std::string s;
  if (ends_with(out, ".png"))
    s += "set terminal pngcairo size 1000,560 font 'sans,11'\n";
  else
    s += "set terminal svg size 1000,560 dynamic font 'sans,11' background '#ffffff'\n";
  s += "set output " + quoted(out) + "\n";
  s += "set termoption noenhanced\n";  // _ in a name is not a subscript
  s += "set datafile separator '\\t'\n";
  s += "set datafile missing '?'\n";
  s += std::string("set title ") +
       quoted(by_user ? "CPU share per user of each group" : "CPU share per group") + "\n";
  s += "set xlabel 'seconds'\n";
  s += std::string("set ylabel ") + quoted(data.cpu_time ? "% of the CPU used" : "% of one CPU") +
       "\n";
  s += "set yrange [0:*]\nset grid\nset key outside right top\n";
  for (const auto& e : data.events) {
    s += "set arrow from " + number(e.time) + ", graph 0 to " + number(e.time) +
         ", graph 1 nohead dt 3 lc rgb '#777777'\n";
    s += "set label " + quoted(e.text) + " at " + number(e.time) +
         ", graph 0.97 offset 0.5,0 tc rgb '#555555'\n";
  }
  const auto shown = shown_series(data);
  bool any_entitled = false;
  std::string plot;
  for (std::size_t k = 0; k < shown.size(); ++k) {
    const auto& series = data.series[shown[k]];
    const std::string color = std::to_string(k + 1);
    const std::string col = std::to_string(2 + 2 * k);
    if (!plot.empty()) plot += ", \\\n  ";
    plot += quoted(data_path) + " using 1:" + col + " with lines lw 2 lc " + color + " title " +
            quoted(series.title);
    if (std::any_of(series.entitled.begin(), series.entitled.end(),
                    [](auto v) { return v.has_value(); })) {
      any_entitled = true;
      plot += ", \\\n  " + quoted(data_path) + " using 1:" + std::to_string(3 + 2 * k) +
              " with lines lw 1 dt 2 lc " + color + " notitle";
    }
  }
  if (any_entitled)
    plot += ", \\\n  NaN with lines lw 1 dt 2 lc rgb 'black' title 'dashed: entitled'";
  return s + "plot " + plot + "\n";
}

}  // namespace fsched::cli
