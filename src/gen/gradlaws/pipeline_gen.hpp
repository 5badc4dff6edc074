#pragma once
// RapidCheck generators for training pipelines: layouts of micro-batches, replica shards and
// token sequences (see strategy.hpp), and models built around a normalisation layer.
//
// The fallacy generators shrink to the smallest witness of their bug: unequal splits to
// (1, 2), short last global batches to shards (2, 1), sequences to token counts (1, 2)
// without padding. The law generators cover every split, shard layout and mask instead.

#include "gradlaws/backprop.hpp"
#include "gradlaws/gen.hpp"
#include "gradlaws/norm_layers.hpp"
#include "gradlaws/strategy.hpp"

#include <rapidcheck.h>

#include <string>
#include <vector>

namespace gradlaws::gen {

/// n flags with at least one true (valid); shrinks towards every item valid.
rc::Gen<std::vector<bool>> mask(std::size_t n);

/// Which items of a generated layout may be masked.
enum class masking {
  none,              ///< every item counts
  any,               ///< any items, as long as one counts (groups may lose every item)
  every_group_counts ///< any items, as long as every non-empty group keeps one that counts
};

/// K ∈ [1, max_groups] micro-batches of sizes in [1, max_size], in non-decreasing order, all
/// valid. Shrinks by dropping a group or taking one item from a group (keeping the order), so
/// an unequal split shrinks to (1, 2).
rc::Gen<layout> ascending_split(std::size_t max_groups, std::size_t max_size);
/// K ∈ [1, max_groups] groups of the same size b ∈ [1, max_size], all valid.
rc::Gen<layout> equal_split(std::size_t max_groups, std::size_t max_size);
/// n ∈ [1, max_items] items in any consecutive non-empty groups (gen::partition), masked
/// as `m` allows.
rc::Gen<layout> any_split(std::size_t max_items, masking m);

/// The shards of a short last global batch: R ∈ [2, max_ranks] ranks of b ∈ [1, max_per_rank]
/// examples each, d examples short, filled rank by rank: (b, …, b, b - d) without idle ranks
/// (d < b), or (b, …, r, 0, …, 0) when `idle` lets whole ranks run out of data. Shrinks to
/// (2, 1) without idle ranks, to (1, 0) with them.
rc::Gen<layout> last_batch_shards(std::size_t max_ranks, std::size_t max_per_rank, bool idle);
/// R ∈ [1, max_ranks] ranks holding any number of examples in [0, max_per_rank] (at least one
/// example in all), masked as `m` allows.
rc::Gen<layout> any_shards(std::size_t max_ranks, std::size_t max_per_rank, masking m);
/// R ∈ [1, max_ranks] shards of b ∈ [1, max_per_rank] examples each.
rc::Gen<layout> equal_shards(std::size_t max_ranks, std::size_t max_per_rank);

/// S ∈ [1, max_sequences] sequences with valid-token counts in [1, max_tokens] in
/// non-decreasing order, each right-padded by [0, max_padding] ignored tokens. Shrinks by
/// dropping a sequence, a token or a padding token, so unequal counts shrink to (1, 2)
/// without padding.
rc::Gen<layout> ascending_sequences(std::size_t max_sequences, std::size_t max_tokens,
                                    std::size_t max_padding);
/// S ∈ [1, max_sequences] sequences of the same number c ∈ [1, max_tokens] of valid tokens,
/// each right-padded by [0, max_padding] ignored tokens.
rc::Gen<layout> equal_token_sequences(std::size_t max_sequences, std::size_t max_tokens,
                                      std::size_t max_padding);
/// S ∈ [1, max_sequences] sequences of lengths in [1, max_length] with tokens ignored as `m`
/// allows.
rc::Gen<layout> any_sequences(std::size_t max_sequences, std::size_t max_length, masking m);

/// θ for m: small dyadic offsets from initial_parameters(m), so γ shrinks to 1 and the rest
/// to 0.
rc::Gen<vec<exact>> parameters(const model &m);

/// The values of a case drawn for a model: θ, a batch X, Y of n examples and `shifts` extra
/// input columns (perturbations of examples).
struct drawn_batch {
  vec<exact> theta;
  mat<exact> x, y, shift;
};
/// θ, X, Y and the shifts for m, drawn as parameters() and columns() draw them but shrunk
/// jointly: after any value moves, every value is offered its shrinks again (by
/// gen::simpler_values; θ towards its initialisation). A RapidCheck exec fixes each pick once
/// a later one shrinks, which strands witnesses at minima an earlier, already fixed value left
/// behind; a joint shrink does not. Besides value shrinks: θ may shrink while the targets
/// keep every residual ŷ - y (models on the exact rung), a row of X may shift by its first
/// entry (over its first k examples, for a caller that uses a prefix of the batch), and an
/// all-zero example swaps places with a later one that is not, so a witness's
/// remarkable example ends up first.
rc::Gen<drawn_batch> drawn_batches(const model &m, std::size_t n, std::size_t shifts = 0);

/// A model around one layer of a registered kind under the named loss: the layer alone
/// (1 → 1), or Dense(d→w) → layer → σ → Dense(w→1) with σ from the rung's registry entries
/// that `activations` admits. Shrinks towards the layer alone. Throws unsupported_rung_error
/// if the layer does not run on the rung.
rc::Gen<model> around_layer(const layer_kind &kind, rung on, std::string loss_name,
                            selection<activation> activations = {});

} // namespace gradlaws::gen
