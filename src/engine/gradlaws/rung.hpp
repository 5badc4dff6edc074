#pragma once
// The rungs of the precision ladder as names, without the types behind them: a light header
// for the layers that only talk about rungs (verdicts, reports, the command line).

#include <string_view>

namespace gradlaws {

/// The rungs of the ladder, in the order they are reported.
enum class rung { exact, high, interval, machine };

/// "exact", "high", "interval" or "machine".
std::string_view to_string(rung r);
/// Parses a rung name; throws gradlaws::error naming the bad value and the valid ones.
rung parse_rung(std::string_view name);

/// Default working precision of the high and interval rungs, in decimal digits.
inline constexpr int default_digits = 50;

} // namespace gradlaws
