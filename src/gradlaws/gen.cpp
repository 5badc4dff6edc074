#include "gradlaws/gen.hpp"

#include <numeric>

namespace gradlaws::gen {

namespace {
// 0, 1, -1, 2, -2, … so that shrinking the index shrinks |n| and prefers the positive sign.
long zigzag(int k) { return (k % 2 == 1) ? (k + 1) / 2 : -(k / 2); }
} // namespace

rc::Gen<exact> dyadic() {
  return rc::gen::apply(
      [](int k, int e) { return exact(zigzag(k)) / exact(1L << e); },
      rc::gen::inRange(0, 17), rc::gen::inRange(0, 3));
}

rc::Gen<exact> nonnegative_dyadic() {
  return rc::gen::apply([](int n, int e) { return exact(n) / exact(1L << e); },
                        rc::gen::inRange(0, 9), rc::gen::inRange(0, 3));
}

rc::Gen<std::size_t> count(std::size_t lo, std::size_t hi) {
  return rc::gen::inRange(lo, hi + 1);
}

rc::Gen<mat<exact>> columns(std::size_t rows, std::size_t n) {
  return rc::gen::map(rc::gen::container<std::vector<exact>>(rows * n, dyadic()),
                      [rows, n](const std::vector<exact> &v) {
                        mat<exact> m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(n));
                        for (std::size_t j = 0; j < n; ++j)
                          for (std::size_t i = 0; i < rows; ++i)
                            m(Eigen::Index(i), Eigen::Index(j)) = v[j * rows + i];
                        return m;
                      });
}

namespace {
template <class Entry> rc::Gen<std::string> entry_name(const std::vector<const Entry *> &on) {
  std::vector<std::string> names;
  for (const auto *e : on) names.push_back(e->name());
  return rc::gen::elementOf(names);
}
} // namespace

rc::Gen<model> models(const problem_options &o) {
  if (o.min_hidden > o.max_hidden) throw error("problem_options: min_hidden > max_hidden");
  return rc::gen::exec([o] {
    const auto hidden = *count(o.min_hidden, o.max_hidden);
    const auto input = *count(1, o.max_input);
    const auto output = *count(1, o.max_output);
    std::vector<std::size_t> widths;
    std::vector<std::string> acts;
    for (std::size_t k = 0; k < hidden; ++k) {
      widths.push_back(*count(1, o.max_width));
      acts.push_back(o.activation.empty() ? *entry_name(activations_on(o.on)) : o.activation);
    }
    const std::string loss_name = o.loss.empty() ? *entry_name(losses_on(o.on)) : o.loss;
    return make_mlp(input, widths, acts, output, loss_name);
  });
}

rc::Gen<problem> problems(const problem_options &o) {
  return rc::gen::exec([o] {
    model m = *models(o);
    const auto n = *count(o.min_batch, o.max_batch);
    auto theta = *rc::gen::container<std::vector<exact>>(m.parameter_count(), dyadic());
    mat<exact> x = *columns(m.input_dim(), n);
    mat<exact> y = *columns(m.output_dim(), n);
    vec<exact> t(Eigen::Index(theta.size()));
    for (std::size_t k = 0; k < theta.size(); ++k) t[Eigen::Index(k)] = theta[k];
    return problem{std::move(m), std::move(t), std::move(x), std::move(y), o.on};
  });
}

rc::Gen<std::vector<std::size_t>> partition(std::size_t n) {
  if (n == 0) throw empty_batch_error("partition: cannot split an empty batch");
  return rc::gen::map(rc::gen::container<std::vector<bool>>(n - 1, rc::gen::arbitrary<bool>()),
                      [n](const std::vector<bool> &cut) {
                        std::vector<std::size_t> sizes{1};
                        for (std::size_t i = 0; i + 1 < n; ++i) {
                          if (cut[i]) sizes.push_back(1);
                          else ++sizes.back();
                        }
                        return sizes;
                      });
}

rc::Gen<std::vector<exact>> weights(std::size_t n) {
  // Each weight is 1 minus a shrinkable offset in {0, 1/4, …}: shrinks to all ones. One
  // weight is kept at least 1/4 so the sum is positive.
  return rc::gen::map(
      rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 9)),
      [](const std::vector<int> &k) {
        std::vector<exact> w;
        for (int v : k) w.push_back(v <= 4 ? exact(4 - v, 4) : exact(v, 4)); // 1, 3/4, …, 0, 5/4, …
        if (!w.empty()) {
          exact total = std::accumulate(w.begin(), w.end(), exact(0));
          if (total == 0) w.front() = exact(1, 4);
        }
        return w;
      });
}

rc::Gen<std::vector<std::size_t>> permutation(std::size_t n) {
  // Lehmer code: digit i picks among the n - i remaining; all zeros is the identity.
  return rc::gen::exec([n] {
    std::vector<std::size_t> pool(n);
    std::iota(pool.begin(), pool.end(), std::size_t(0));
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < n; ++i) {
      const auto pick = *rc::gen::inRange<std::size_t>(0, n - i);
      out.push_back(pool[pick]);
      pool.erase(pool.begin() + std::ptrdiff_t(pick));
    }
    return out;
  });
}

} // namespace gradlaws::gen
