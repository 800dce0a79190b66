// fsched usernice [NICE UID]: set a user's level (the assignment's argument
// order) or, with no arguments, print the table.
#pragma once

#include <string>

namespace fsched::cli {

int run_usernice(const std::string& mount, const std::string& nice, const std::string& user);
int print_usernice(const std::string& mount);

}  // namespace fsched::cli
