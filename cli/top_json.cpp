#include "top_json.hpp"

#include <cmath>

namespace fsched::cli {

namespace {
double round_to(double v, double scale) {
  return std::round(v * scale) / scale;
}

void put_shares(nlohmann::ordered_json& j, const ReportRow& r) {
  j["cpu_pct"] = round_to(r.pct.total, 100);
  j["user_pct"] = round_to(r.pct.user, 100);
  j["system_pct"] = round_to(r.pct.system, 100);
  j["entitled_pct"] = r.entitled ? nlohmann::ordered_json(round_to(*r.entitled, 100)) : nullptr;
  j["off_entitlement"] = off_entitlement(r);
}
}  // namespace

nlohmann::ordered_json report_json(const ReportHead& head, const std::vector<ReportRow>& rows) {
  nlohmann::ordered_json doc;
  doc["time"] = round_to(head.time, 1000);
  doc["interval"] = head.interval;
  doc["elapsed"] = round_to(head.elapsed, 1000);
  doc["mode"] = head.cpu_time ? "cpu" : "real";
  doc["mount"] = head.mount;
  doc["groups"] = nlohmann::ordered_json::array();
  nlohmann::ordered_json* group = nullptr;
  nlohmann::ordered_json* user = nullptr;
  for (const auto& r : rows) {
    nlohmann::ordered_json j;
    switch (r.kind) {
      case ReportRow::Kind::group:
        j["path"] = r.path;
        j["scheduler"] = r.policy;
        j["weight"] = r.weight;
        if (!r.cpu_max.empty()) j["cpu_max"] = r.cpu_max;
        if (!r.cpus.empty()) j["cpus"] = r.cpus;
        if (!r.cpu_max.empty()) j["at_cap"] = r.at_cap;
        put_shares(j, r);
        j["users"] = nlohmann::ordered_json::array();
        doc["groups"].push_back(std::move(j));
        group = &doc["groups"].back();
        user = nullptr;
        break;
      case ReportRow::Kind::user:
        if (!group) break;  // make_report always heads users with their group
        j["uid"] = r.uid;
        j["name"] = r.name;
        j["usernice"] = r.usernice;
        put_shares(j, r);
        j["processes"] = nlohmann::ordered_json::array();
        (*group)["users"].push_back(std::move(j));
        user = &(*group)["users"].back();
        break;
      case ReportRow::Kind::process:
        if (!user) break;
        j["pid"] = r.pid;
        j["comm"] = r.comm;
        put_shares(j, r);
        (*user)["processes"].push_back(std::move(j));
        break;
    }
  }
  return doc;
}

}  // namespace fsched::cli
