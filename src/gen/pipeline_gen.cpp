#include "gradlaws/pipeline_gen.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace gradlaws::gen {

namespace {

// Wraps a raw generator of T in a custom shrinker: `simpler(v)` lists candidates, each
// strictly smaller than v, so shrinking terminates.
template <class T, class Raw, class Simpler> rc::Gen<T> shrinking(Raw raw, Simpler simpler) {
  return [raw, simpler](const rc::Random &random, int size) {
    return rc::shrinkable::shrinkRecur(T(raw(random, size).value()), [simpler](const T &v) {
      return rc::seq::fromContainer(simpler(v));
    });
  };
}

// Sizes in non-decreasing order: drop a group, or take one item from a group when the order
// survives. From any unequal split this reaches (1, 2): the smallest split that is unequal.
std::vector<std::vector<std::size_t>> simpler_ascending(const std::vector<std::size_t> &s) {
  std::vector<std::vector<std::size_t>> out;
  if (s.size() > 1)
    for (std::size_t k = 0; k < s.size(); ++k) {
      auto t = s;
      t.erase(t.begin() + std::ptrdiff_t(k));
      out.push_back(std::move(t));
    }
  for (std::size_t k = 0; k < s.size(); ++k)
    if (s[k] > 1 && (k == 0 || s[k] - 1 >= s[k - 1])) {
      auto t = s;
      --t[k];
      out.push_back(std::move(t));
    }
  return out;
}

rc::Gen<std::vector<std::size_t>> ascending_sizes(std::size_t max_groups, std::size_t max_size) {
  const auto raw = rc::gen::mapcat(count(1, max_groups), [max_size](std::size_t k) {
    return rc::gen::container<std::vector<std::size_t>>(k, count(1, max_size));
  });
  return shrinking<std::vector<std::size_t>>(
      rc::gen::map(raw,
                   [](std::vector<std::size_t> v) {
                     std::sort(v.begin(), v.end());
                     return v;
                   }),
      simpler_ascending);
}

// Sequences as valid-token counts (non-decreasing) and right padding, shrunk together.
struct sequence_sizes {
  std::vector<std::size_t> tokens, padding;
};

std::vector<sequence_sizes> simpler_sequences(const sequence_sizes &s) {
  std::vector<sequence_sizes> out;
  if (s.tokens.size() > 1)
    for (std::size_t k = 0; k < s.tokens.size(); ++k) {
      auto t = s;
      t.tokens.erase(t.tokens.begin() + std::ptrdiff_t(k));
      t.padding.erase(t.padding.begin() + std::ptrdiff_t(k));
      out.push_back(std::move(t));
    }
  for (std::size_t k = 0; k < s.tokens.size(); ++k)
    if (s.tokens[k] > 1 && (k == 0 || s.tokens[k] - 1 >= s.tokens[k - 1])) {
      auto t = s;
      --t.tokens[k];
      out.push_back(std::move(t));
    }
  for (std::size_t k = 0; k < s.padding.size(); ++k)
    if (s.padding[k] > 0) {
      auto t = s;
      t.padding[k] = 0;
      out.push_back(t);
      if (s.padding[k] > 1) {
        t.padding[k] = s.padding[k] - 1;
        out.push_back(std::move(t));
      }
    }
  return out;
}

layout padded(const std::vector<std::size_t> &tokens, const std::vector<std::size_t> &padding) {
  layout l;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    l.groups.push_back(tokens[k] + padding[k]);
    l.valid.insert(l.valid.end(), tokens[k], true);
    l.valid.insert(l.valid.end(), padding[k], false);
  }
  if (std::find(l.valid.begin(), l.valid.end(), false) == l.valid.end()) l.valid.clear();
  return l;
}

// Applies a drawn mask as `m` allows. Keeps it only if something is masked, so an all-valid
// layout reads as plain sizes.
layout with_mask(layout l, std::vector<bool> valid, masking m) {
  if (m == masking::none) return l;
  if (m == masking::every_group_counts) {
    for (std::size_t k = 0, first = 0; k < l.groups.size(); first += l.groups[k++]) {
      const auto b = valid.begin() + std::ptrdiff_t(first);
      if (l.groups[k] && std::find(b, b + std::ptrdiff_t(l.groups[k]), true) == b + std::ptrdiff_t(l.groups[k]))
        *b = true;
    }
  }
  if (std::find(valid.begin(), valid.end(), false) != valid.end()) l.valid = std::move(valid);
  return l;
}

} // namespace

rc::Gen<std::vector<bool>> mask(std::size_t n) {
  // Drawn as "masked" flags, which shrink to false: every item valid.
  return rc::gen::map(rc::gen::container<std::vector<bool>>(n, rc::gen::arbitrary<bool>()),
                      [](const std::vector<bool> &masked) {
                        std::vector<bool> valid(masked.size());
                        for (std::size_t i = 0; i < masked.size(); ++i) valid[i] = !masked[i];
                        if (!valid.empty() && std::find(valid.begin(), valid.end(), true) == valid.end())
                          valid.front() = true;
                        return valid;
                      });
}

rc::Gen<layout> ascending_split(std::size_t max_groups, std::size_t max_size) {
  return rc::gen::map(ascending_sizes(max_groups, max_size),
                      [](std::vector<std::size_t> s) { return layout::split(std::move(s)); });
}

rc::Gen<layout> equal_split(std::size_t max_groups, std::size_t max_size) {
  return rc::gen::apply(
      [](std::size_t k, std::size_t b) { return layout::split(std::vector<std::size_t>(k, b)); },
      count(1, max_groups), count(1, max_size));
}

rc::Gen<layout> any_split(std::size_t max_items, masking m) {
  return rc::gen::exec([max_items, m] {
    const std::size_t n = *count(1, max_items);
    layout l = layout::split(*partition(n));
    return with_mask(std::move(l), *mask(n), m);
  });
}

namespace {
// A short last global batch: R ranks of b examples, d short. Shrunk as a whole so that b can
// fall while d keeps its meaning (an exec would redraw d whenever b moved).
struct short_batch {
  std::size_t ranks, per_rank, short_by;
};

std::vector<short_batch> simpler_short_batches(const short_batch &s, bool idle) {
  const auto fit = [idle](short_batch t) {
    t.short_by = std::min(t.short_by, idle ? t.ranks * t.per_rank - 1 : t.per_rank - 1);
    return t;
  };
  std::vector<short_batch> out;
  if (s.ranks > 2) out.push_back(fit({s.ranks - 1, s.per_rank, s.short_by}));
  if (s.per_rank > 1) out.push_back(fit({s.ranks, s.per_rank - 1, s.short_by}));
  if (s.short_by > 0) {
    out.push_back({s.ranks, s.per_rank, 0});
    if (s.short_by > 1) out.push_back({s.ranks, s.per_rank, s.short_by - 1});
  }
  return out;
}

layout shards_of(const short_batch &s) {
  std::size_t left = s.ranks * s.per_rank - s.short_by;
  std::vector<std::size_t> shards;
  for (std::size_t k = 0; k < s.ranks; ++k) {
    shards.push_back(std::min(s.per_rank, left));
    left -= shards.back();
  }
  return layout::split(std::move(shards));
}
} // namespace

rc::Gen<layout> last_batch_shards(std::size_t max_ranks, std::size_t max_per_rank, bool idle) {
  if (max_ranks < 2) throw error("last_batch_shards: a short last batch needs at least 2 ranks");
  const auto raw = rc::gen::exec([max_ranks, max_per_rank, idle] {
    const std::size_t r = *count(2, max_ranks);
    const std::size_t b = *count(1, max_per_rank);
    return short_batch{r, b, *count(0, idle ? r * b - 1 : b - 1)};
  });
  return rc::gen::map(shrinking<short_batch>(raw, [idle](const short_batch &s) {
                        return simpler_short_batches(s, idle);
                      }),
                      shards_of);
}

rc::Gen<layout> any_shards(std::size_t max_ranks, std::size_t max_per_rank, masking m) {
  return rc::gen::exec([max_ranks, max_per_rank, m] {
    const std::size_t r = *count(1, max_ranks);
    auto shards = *rc::gen::container<std::vector<std::size_t>>(r, count(0, max_per_rank));
    if (std::accumulate(shards.begin(), shards.end(), std::size_t(0)) == 0) shards.front() = 1;
    layout l = layout::split(std::move(shards));
    auto flags = *mask(l.size()); // drawn before l is moved: argument order is unspecified
    return with_mask(std::move(l), std::move(flags), m);
  });
}

rc::Gen<layout> equal_shards(std::size_t max_ranks, std::size_t max_per_rank) {
  return equal_split(max_ranks, max_per_rank);
}

rc::Gen<layout> ascending_sequences(std::size_t max_sequences, std::size_t max_tokens,
                                    std::size_t max_padding) {
  const auto raw = rc::gen::exec([max_sequences, max_tokens, max_padding] {
    auto tokens = *ascending_sizes(max_sequences, max_tokens);
    auto pad = *rc::gen::container<std::vector<std::size_t>>(tokens.size(), count(0, max_padding));
    return sequence_sizes{std::move(tokens), std::move(pad)};
  });
  return rc::gen::map(shrinking<sequence_sizes>(raw, simpler_sequences),
                      [](const sequence_sizes &s) { return padded(s.tokens, s.padding); });
}

rc::Gen<layout> equal_token_sequences(std::size_t max_sequences, std::size_t max_tokens,
                                      std::size_t max_padding) {
  return rc::gen::exec([max_sequences, max_tokens, max_padding] {
    const std::size_t s = *count(1, max_sequences);
    const std::size_t c = *count(1, max_tokens);
    auto pad = *rc::gen::container<std::vector<std::size_t>>(s, count(0, max_padding));
    return padded(std::vector<std::size_t>(s, c), pad);
  });
}

rc::Gen<layout> any_sequences(std::size_t max_sequences, std::size_t max_length, masking m) {
  return rc::gen::exec([max_sequences, max_length, m] {
    const std::size_t s = *count(1, max_sequences);
    auto lengths = *rc::gen::container<std::vector<std::size_t>>(s, count(1, max_length));
    layout l = layout::split(std::move(lengths));
    auto flags = *mask(l.size()); // drawn before l is moved: argument order is unspecified
    return with_mask(std::move(l), std::move(flags), m);
  });
}

rc::Gen<vec<exact>> parameters(const model &m) {
  const vec<exact> init = initial_parameters(m);
  return rc::gen::map(rc::gen::container<std::vector<exact>>(m.parameter_count(), dyadic()),
                      [init](const std::vector<exact> &offsets) {
                        vec<exact> theta = init;
                        for (std::size_t k = 0; k < offsets.size(); ++k) theta[Eigen::Index(k)] += offsets[k];
                        return theta;
                      });
}

namespace {
// The order shrinking descends, for values: (denominator, |numerator|, sign) — the order
// of gen::simpler_values on dyadics, extended to every rational.
std::tuple<mp::mpz_int, mp::mpz_int, bool> complexity(const exact &v) {
  return {mp::mpz_int(denominator(v)), mp::mpz_int(abs(numerator(v))), v < 0};
}

// The number of non-zero values of X, Y and the shifts, then their complexities, largest
// first. A value shrink lowers it, a swap keeps it, and a translation of a row is offered only
// if it lowers it, so a translation cannot undo a swap (and cycle).
using profile = std::pair<std::size_t, std::vector<std::tuple<mp::mpz_int, mp::mpz_int, bool>>>;
profile value_profile(const drawn_batch &d) {
  profile out{0, {}};
  for (const mat<exact> *m : {&d.x, &d.y, &d.shift})
    for (Eigen::Index j = 0; j < m->cols(); ++j)
      for (Eigen::Index r = 0; r < m->rows(); ++r) {
        out.first += (*m)(r, j) != 0 ? 1 : 0;
        out.second.push_back(complexity((*m)(r, j)));
      }
  std::sort(out.second.rbegin(), out.second.rend());
  return out;
}

bool zero_example(const drawn_batch &d, Eigen::Index j) {
  return (d.x.col(j).array() == exact(0)).all() && (d.y.col(j).array() == exact(0)).all();
}

// Candidates, each strictly smaller in the well-founded order (θ entry by entry, then the
// profile of the values of X, Y and the shifts, then the positions of the non-zero examples),
// so shrinking terminates: θ shrinks with the batch kept, or with the targets moved along so
// that every residual ŷ - y stays put (a parameter can then leave for a target, as b = 1,
// y = 0 becomes b = 0, y = -1 under the same residual); a row of X, over its first k
// examples, shifts by its first entry when that simplifies the values (it keeps every
// difference between those examples, all a normalisation layer sees); single values shrink;
// and an all-zero example swaps places with a later one that is not.
std::vector<drawn_batch> simpler_draws(const drawn_batch &d, const model &m, const vec<exact> &init) {
  std::vector<drawn_batch> out;
  for (Eigen::Index k = 0; k < d.theta.size(); ++k)
    for (const exact &v : simpler_values(d.theta[k] - init[k])) {
      drawn_batch t = d;
      t.theta[k] = init[k] + v;
      out.push_back(std::move(t));
    }
  const bool dense = m.objective_loss().info().target == target_kind::dense;
  if (dense && m.supports(rung::exact) && d.x.cols() > 0) {
    const mat<exact> yhat = forward<exact>(m, d.theta, d.x);
    for (Eigen::Index k = 0; k < d.theta.size(); ++k)
      for (const exact &v : simpler_values(d.theta[k] - init[k])) {
        drawn_batch t = d;
        t.theta[k] = init[k] + v;
        const mat<exact> moved = forward<exact>(m, t.theta, t.x) - yhat;
        if ((moved.array() == exact(0)).all()) continue; // the same as the plain shrink
        t.y += moved;
        out.push_back(std::move(t));
      }
  }
  if (d.x.cols() > 1) {
    // Over the first k examples for every k: a caller may use only a prefix of the batch
    // (the rest shrinks to 0 and must stay there).
    const auto before = value_profile(d);
    for (Eigen::Index r = 0; r < d.x.rows(); ++r) {
      if (d.x(r, 0) == 0) continue;
      for (Eigen::Index k = d.x.cols(); k >= 2; --k) {
        drawn_batch t = d;
        t.x.row(r).head(k).array() -= d.x(r, 0);
        if (value_profile(t) < before) out.push_back(std::move(t));
      }
    }
  }
  for (Eigen::Index j = 0; j < d.x.cols(); ++j) {
    if (!zero_example(d, j)) continue;
    for (Eigen::Index k = j + 1; k < d.x.cols(); ++k)
      if (!zero_example(d, k)) {
        drawn_batch t = d;
        t.x.col(j).swap(t.x.col(k));
        t.y.col(j).swap(t.y.col(k));
        out.push_back(std::move(t));
      }
  }
  const auto values = [&](mat<exact> drawn_batch::*which) {
    const mat<exact> &m = d.*which;
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      for (Eigen::Index r = 0; r < m.rows(); ++r)
        for (const exact &v : simpler_values(m(r, j))) {
          drawn_batch t = d;
          (t.*which)(r, j) = v;
          out.push_back(std::move(t));
        }
  };
  values(&drawn_batch::x);
  if (dense) values(&drawn_batch::y);
  else
    for (Eigen::Index j = 0; j < d.y.cols(); ++j)
      for (vec<exact> &v : simpler_targets(m.objective_loss(), d.y.col(j), m.output_dim())) {
        drawn_batch t = d;
        t.y.col(j) = std::move(v);
        out.push_back(std::move(t));
      }
  values(&drawn_batch::shift);
  return out;
}
} // namespace

rc::Gen<drawn_batch> drawn_batches(const model &m, std::size_t n, std::size_t shifts) {
  if (m.vocabulary())
    throw error("pipelines draw real inputs (and move them while shrinking); a model that takes "
                "token ids (" + m.describe() + ") is checked through batch gradients");
  const vec<exact> init = initial_parameters(m);
  const auto raw = rc::gen::apply(
      [](vec<exact> theta, mat<exact> x, mat<exact> y, mat<exact> shift) {
        return drawn_batch{std::move(theta), std::move(x), std::move(y), std::move(shift)};
      },
      parameters(m), columns(m.input_dim(), n), targets(m, n),
      columns(m.input_dim(), shifts));
  return shrinking<drawn_batch>(raw, [m, init](const drawn_batch &d) { return simpler_draws(d, m, init); });
}

rc::Gen<model> around_layer(const layer_kind &kind, rung on, std::string loss_name,
                            selection<activation> activations) {
  if (!kind.supports(on))
    throw unsupported_rung_error("the layer " + kind.name() + " does not run on the " +
                                 std::string(to_string(on)) + " rung");
  const layer_kind *k = &kind;
  return rc::gen::exec([k, on, loss_name, activations] {
    const loss &l = find_loss(loss_name);
    if (*count(0, 1) == 0) return model(1, {k->make(1)}, l);
    const std::size_t input = *count(1, 2), width = *count(1, 2);
    std::vector<std::string> names;
    for (const auto *a : activations.of(activations_on(on))) names.push_back(a->name());
    if (names.empty()) throw rc::GenerationFailure("no admitted activation runs on this rung");
    const std::string act = *rc::gen::elementOf(names);
    return make_layered_mlp(input, {width}, {act}, 1, loss_name, k);
  });
}

} // namespace gradlaws::gen
