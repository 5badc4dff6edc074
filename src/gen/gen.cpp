#include "gradlaws/gen.hpp"
#include "gradlaws/opaque.hpp"

#include <algorithm>
#include <numeric>

namespace gradlaws::gen {

namespace {
// 0, 1, -1, 2, -2, … so that shrinking the index shrinks |n| and prefers the positive sign.
long zigzag(int k) { return (k % 2 == 1) ? (k + 1) / 2 : -(k / 2); }
} // namespace

std::vector<exact> simpler_values(const exact &v) {
  // Complexity of v = n/2^e in lowest terms is (e, |n|, n < 0), ordered lexicographically;
  // (for dyadics; other rationals only ever reach integers, which are simpler still)
  // every candidate is strictly simpler, so shrinking terminates.
  std::vector<exact> out;
  if (v == 0) return out;
  out.push_back(exact(0));
  const auto push = [&](exact c) {
    if (c != v && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
  };
  const mp::mpz_int num = numerator(v), den = denominator(v);
  if (den != 1) {
    const mp::mpz_int whole = num / den; // rounds towards zero
    push(exact(whole));                                               // the integer part
    push(exact(mp::mpz_int(whole + (num < 0 ? -1 : 1))));             // the next integer out
    push(exact(mp::mpz_int(num / 2), mp::mpz_int(den / 2)));          // a coarser grid
  } else {
    const mp::mpz_int mag = abs(num);
    const int sign = num < 0 ? -1 : 1;
    if (mag > 1) push(exact(mp::mpz_int(sign * (mag / 2))));
    if (mag > 1) push(exact(mp::mpz_int(sign * (mag - 1))));
  }
  if (v < 0) push(exact(-v)); // prefer the positive value of the same size
  return out;
}

namespace {
rc::Shrinkable<exact> shrinkable_dyadic(exact v) {
  return rc::shrinkable::shrinkRecur(std::move(v), [](const exact &x) {
    return rc::seq::fromContainer(simpler_values(x));
  });
}

std::vector<mat<exact>> simpler_batches(const mat<exact> &m) {
  std::vector<mat<exact>> out;
  // Translating a row (every example's value of one coordinate) by its first entry keeps
  // differences — and so covariances — intact while moving the batch towards 0: it gets
  // the shrinker out of minima like {(1, 0), (0, 1)} that no single-value shrink can leave.
  if (m.cols() > 1) {
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      if (m(r, 0) == 0) continue;
      mat<exact> t = m;
      for (Eigen::Index j = 0; j < m.cols(); ++j) t(r, j) -= m(r, 0);
      out.push_back(std::move(t));
    }
  }
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index r = 0; r < m.rows(); ++r)
      for (auto &c : simpler_values(m(r, j))) {
        mat<exact> t = m;
        t(r, j) = std::move(c);
        out.push_back(std::move(t));
      }
  return out;
}
} // namespace

rc::Gen<exact> dyadic() {
  const auto raw = rc::gen::apply(
      [](int k, int e) { return dyadic_fraction(zigzag(k), unsigned(e)); },
      rc::gen::inRange(0, 17), rc::gen::inRange(0, 3));
  return [raw](const rc::Random &random, int size) {
    return shrinkable_dyadic(raw(random, size).value());
  };
}

rc::Gen<exact> nonnegative_dyadic() {
  const auto raw = rc::gen::apply([](int n, int e) { return dyadic_fraction(n, unsigned(e)); },
                                  rc::gen::inRange(0, 9), rc::gen::inRange(0, 3));
  return [raw](const rc::Random &random, int size) {
    return shrinkable_dyadic(raw(random, size).value());
  };
}

rc::Gen<std::size_t> count(std::size_t lo, std::size_t hi) {
  return rc::gen::inRange(lo, hi + 1);
}

rc::Gen<mat<exact>> columns(std::size_t rows, std::size_t n) {
  const auto raw = rc::gen::container<std::vector<exact>>(rows * n, dyadic());
  return [raw, rows, n](const rc::Random &random, int size) {
    const std::vector<exact> v = raw(random, size).value();
    mat<exact> m(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(n));
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t i = 0; i < rows; ++i)
        m(Eigen::Index(i), Eigen::Index(j)) = v[j * rows + i];
    return rc::shrinkable::shrinkRecur(std::move(m), [](const mat<exact> &x) {
      return rc::seq::fromContainer(simpler_batches(x));
    });
  };
}

namespace {
template <class Entry> rc::Gen<std::string> entry_name(const std::vector<const Entry *> &on) {
  std::vector<std::string> names;
  for (const auto *e : on) names.push_back(e->name());
  // Draws exactly as rc::gen::elementOf does, but shrinks towards the first registry entry
  // (elementOf never shrinks, so a counterexample kept whichever entry it was drawn with).
  return [names](const rc::Random &random, int) {
    if (names.empty())
      throw rc::GenerationFailure("no registry entry runs on this rung and is admitted");
    const auto drawn = static_cast<std::size_t>(rc::Random(random).next() % names.size());
    return rc::shrinkable::map(
        rc::shrinkable::shrinkRecur(drawn,
                                    [](std::size_t i) { return rc::shrink::towards(i, std::size_t(0)); }),
        [names](std::size_t i) { return names[i]; });
  };
}
} // namespace

rc::Gen<model> models(const problem_options &o) {
  if (o.fixed) {
    // A module gradlaws does not know runs nowhere but in the subject: only its sizes are used.
    if (!is_opaque(*o.fixed) && !o.fixed->supports(o.on))
      throw unsupported_rung_error("the model " + o.fixed->describe() + " does not run on the " +
                                   std::string(to_string(o.on)) + " rung");
    return rc::gen::just(*o.fixed);
  }
  if (o.min_hidden > o.max_hidden) throw error("problem_options: min_hidden > max_hidden");
  if (o.layer && !o.layer->supports(o.on))
    throw unsupported_rung_error("problem_options: the layer " + o.layer->name() +
                                 " does not run on the " + std::string(to_string(o.on)) + " rung");
  return rc::gen::exec([o] {
    const auto hidden = *count(o.min_hidden, o.max_hidden);
    const auto input = *count(1, o.max_input);
    const auto output = *count(o.min_output, std::max(o.min_output, o.max_output));
    std::vector<std::size_t> widths;
    std::vector<std::string> acts;
    for (std::size_t k = 0; k < hidden; ++k) {
      widths.push_back(*count(1, o.max_width));
      acts.push_back(o.activation.empty() ? *entry_name(o.activations.of(activations_on(o.on)))
                                          : o.activation);
    }
    std::vector<const loss *> drawable;
    for (const loss *l : o.losses.of(losses_on(o.on)))
      if (o.class_targets || l->info().target != target_kind::class_index) drawable.push_back(l);
    if (drawable.empty()) // a selection of class-index losses alone has chosen them
      drawable = o.losses.of(losses_on(o.on));
    const std::string loss_name = o.loss.empty() ? *entry_name(drawable) : o.loss;
    return make_layered_mlp(input, widths, acts, output, loss_name, o.layer);
  });
}

rc::Gen<problem> problems(const problem_options &o) {
  return rc::gen::exec([o] {
    model m = *models(o);
    const auto n = *count(o.min_batch, o.max_batch);
    auto theta = *rc::gen::container<std::vector<exact>>(m.parameter_count(), dyadic());
    mat<exact> x = *inputs(m, n);
    mat<exact> y = *targets(m, n, o.ignored_targets);
    vec<exact> t(Eigen::Index(theta.size()));
    for (std::size_t k = 0; k < theta.size(); ++k) t[Eigen::Index(k)] = theta[k];
    t += initial_parameters(m);
    return problem{std::move(m), std::move(t), std::move(x), std::move(y), o.on};
  });
}

namespace {
vec<exact> one_hot(std::size_t classes, std::size_t c, const exact &eps) {
  vec<exact> y{Eigen::Index(classes)};
  for (std::size_t j = 0; j < classes; ++j)
    y[Eigen::Index(j)] = (j == c ? exact(1) - eps : exact(0)) + eps / exact(long(classes));
  return y;
}
} // namespace

rc::Gen<mat<exact>> inputs(const model &m, std::size_t n) {
  if (!m.vocabulary()) return columns(m.input_dim(), n);
  const std::size_t rows = m.input_dim(), ids = m.vocabulary();
  return rc::gen::exec([rows, n, ids] {
    mat<exact> x{Eigen::Index(rows), Eigen::Index(n)};
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      for (Eigen::Index i = 0; i < x.rows(); ++i) x(i, j) = exact(long(*count(0, ids - 1)));
    return x;
  });
}

rc::Gen<mat<exact>> targets(const model &m, std::size_t n, bool ignored) {
  const loss &l = m.objective_loss();
  const std::size_t classes = m.output_dim();
  switch (l.info().target) {
  case target_kind::dense: return columns(classes, n);
  case target_kind::distribution:
    return rc::gen::exec([classes, n] {
      mat<exact> y{Eigen::Index(classes), Eigen::Index(n)};
      for (std::size_t i = 0; i < n; ++i)
        y.col(Eigen::Index(i)) =
            one_hot(classes, *count(0, classes - 1), exact(long(*count(0, 2)), 4));
      return y;
    });
  case target_kind::class_index: break;
  }
  const long ignore = l.ignore_label().value_or(0);
  const bool can_ignore = ignored && l.ignore_label().has_value();
  const std::size_t positions = l.info().positions, labels = l.classes(classes);
  return rc::gen::exec([labels, positions, n, ignore, can_ignore] {
    mat<exact> y{Eigen::Index(positions), Eigen::Index(n)};
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t t = 0; t < positions; ++t) {
        const bool ignored = can_ignore && *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
        y(Eigen::Index(t), Eigen::Index(i)) =
            ignored ? exact(ignore) : exact(long(*count(0, labels - 1)));
      }
    // At least one target counts: a loss's own mean over none has nothing to divide by.
    if (can_ignore && (y.array() == exact(ignore)).all()) y(0, Eigen::Index(n - 1)) = exact(0);
    return y;
  });
}

std::vector<vec<exact>> simpler_targets(const loss &l, const vec<exact> &y, std::size_t outputs) {
  std::vector<vec<exact>> out;
  switch (l.info().target) {
  case target_kind::dense: break;
  case target_kind::distribution: {
    const vec<exact> first = one_hot(outputs, 0, exact(0));
    if (y != first) out.push_back(first);
    break;
  }
  case target_kind::class_index: {
    // Position by position: an ignored label becomes class 0, class c any class below it.
    for (Eigen::Index t = 0; t < y.size(); ++t) {
      const long c = label_of(y[t]).value_or(0);
      const bool ignored = l.ignore_label() && c == *l.ignore_label();
      for (long k = 0; k < (ignored ? 1 : c); ++k) {
        vec<exact> s = y;
        s[t] = exact(k);
        out.push_back(std::move(s));
      }
    }
    break;
  }
  }
  return out;
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
