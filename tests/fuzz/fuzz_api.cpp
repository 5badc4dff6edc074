// libFuzzer target: the engine's input checking. The input chooses a model (widths,
// activations, loss), θ, a batch and an upstream error of any shape — right or wrong — with any
// doubles (NaN, ±∞, huge), and a layout of any group sizes and mask. Every call must return
// or throw a gradlaws::error; anything else (a crash, a sanitizer report, another exception)
// is a finding.

#include <gradlaws/backprop.hpp>
#include <gradlaws/strategy.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace {

class bytes {
public:
  bytes(const std::uint8_t *d, std::size_t n) : d_(d), n_(n) {}
  std::uint8_t next() { return i_ < n_ ? d_[i_++] : 0; }
  std::size_t small(std::size_t hi) { return next() % (hi + 1); }
  double value() {
    switch (next() % 8) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return std::numeric_limits<double>::infinity();
    case 2: return 1e300;
    default: return double(int(next()) - 128) / 16;
    }
  }

private:
  const std::uint8_t *d_;
  std::size_t n_, i_ = 0;
};

void exercise(bytes &b) {
  using namespace gradlaws;
  const auto &acts = activations();
  const auto &ls = losses();
  const std::size_t depth = b.small(2);
  std::vector<std::size_t> widths;
  std::vector<std::string> names;
  for (std::size_t k = 0; k < depth; ++k) {
    widths.push_back(b.small(3));
    names.push_back(acts[b.small(acts.size() - 1)]->name());
  }
  const model m = make_mlp(b.small(3), widths, names, b.small(3), ls[b.small(ls.size() - 1)]->name());
  const auto fill = [&](Eigen::Index r, Eigen::Index c) {
    mat<double> v(r, c);
    for (Eigen::Index j = 0; j < c; ++j)
      for (Eigen::Index i = 0; i < r; ++i) v(i, j) = b.value();
    return v;
  };
  const Eigen::Index n = Eigen::Index(b.small(4));
  const Eigen::Index p = Eigen::Index(m.parameter_count()) + Eigen::Index(b.small(2)) - 1;
  const vec<double> theta = fill(std::max<Eigen::Index>(p, 0), 1).col(0);
  const mat<double> x = fill(Eigen::Index(m.input_dim()) + Eigen::Index(b.small(1)), n);
  const mat<double> y = fill(Eigen::Index(m.output_dim()), n + Eigen::Index(b.small(1)));
  switch (b.small(4)) {
  case 0: (void)gradient<double>(m, theta, x, y); break;
  case 1: {
    tape<double> t;
    if (b.next() % 2) (void)forward<double>(m, theta, x, &t);
    (void)backward<double>(m, theta, t, fill(Eigen::Index(b.small(3)), n));
    break;
  }
  case 2: (void)output_errors<double>(m, fill(Eigen::Index(b.small(3)), n), y); break;
  case 3: (void)mean_of_example_gradients<double>(m, theta, x, y); break;
  default: {
    layout l;
    for (std::size_t k = b.small(3); k > 0; --k)
      l.groups.push_back(b.next() % 7 == 0 ? std::numeric_limits<std::size_t>::max() : b.small(3));
    for (std::size_t k = b.small(6); k > 0; --k) l.valid.push_back(b.next() % 2);
    const auto &ss = strategies();
    (void)ss[b.small(ss.size() - 1)]->gradient<double>(m, theta, x, y, l);
  }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  bytes b(data, size);
  try {
    exercise(b);
  } catch (const gradlaws::error &) {
    // a named refusal: the expected outcome for bad input
  }
  return 0;
}
