#pragma once
// One function per command (and the checks only that command needs), each in its own file;
// table.cpp names them in the command table.

#include <iosfwd>

namespace gradlaws::cli {

struct options;

int run_list(const options &o, std::ostream &out, std::ostream &err);
/// list REGISTRY: one registry, by a name that exists.
void check_registry_operand(const options &o);

int run_check(const options &o, std::ostream &out, std::ostream &err);
/// check: at least one entry.
void check_entry_operands(const options &o);

int run_report(const options &o, std::ostream &out, std::ostream &err);
int run_rates(const options &o, std::ostream &out, std::ostream &err);
int run_sweep(const options &o, std::ostream &out, std::ostream &err);

int run_gallery(const options &o, std::ostream &out, std::ostream &err);
/// gallery: --jobs only with --seeds (the kill matrix runs in one process).
void check_gallery_flags(const options &o);
/// gallery: every case named exists, before anything runs.
void resolve_gallery_cases(const options &o);
/// True when some registered gallery case is written with libtorch (gradlaws-torch).
bool has_torch_cases();

int run_help(const options &o, std::ostream &out, std::ostream &err);
int run_version(const options &o, std::ostream &out, std::ostream &err);

} // namespace gradlaws::cli
