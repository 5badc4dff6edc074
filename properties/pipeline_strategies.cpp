// Laws over the whole strategy registry: a strategy's exact weight vector accounts for its
// gradient, and masked examples change nothing, whatever the pipeline. A strategy added to
// the registry is checked by both.

#include "pipeline_cases.hpp"

namespace gradlaws::props {
namespace {

const auto ignores_masked = selection<strategy>::where(
    "whose divisors count valid items only", [](const strategy &s) { return s.info().ignores_masked; });

const bool weights_explain = register_law(
    make_law<pipeline_subject, pipeline_problem>(
        {.name = "strategy_weights",
         .kind = entry_kind::law,
         .family = "strategies",
         .claim = "without batch coupling, a strategy's gradient is the weighted sum of per-example "
                  "gradients with the exact weight vector it reports",
         .formula = "strategy gradient = Σ_i w_i ∇L_i,   w_i = Σ of example i's loss coefficients",
         .lhs = "the strategy's gradient (its passes)",
         .rhs = "Σ_i w_i × isolated per-example backprop",
         .explanation = "each pass back-propagates Σ c_i L_i over its examples; with no coupling "
                        "that is Σ c_i ∇L_i, and the passes add up",
         .domain = pipeline_strategies(selection<strategy>::all())},
        [](const variant &v) {
          const strategy &s = *v.strat;
          return pipeline_problems(layouts_for(s), max_items_for(s),
                                   gen::models(pipeline_options(v)),
                                   rung::exact, s);
        },
        []<class T>(const pipeline_subject &subject, const pipeline_problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          // The weights the strategy of the variant reports; the subject computes its gradient.
          const auto w = p.tested->weights(p.lay);
          vec<T> sum = vec<T>::Constant(l.theta.size(), T(0));
          for (std::size_t i = 0; i < w.size(); ++i)
            if (w[i] != 0)
              sum += from_exact<T>(w[i]) * example_gradient<T>(p.m, l.theta, l.x, l.y, Eigen::Index(i));
          return {subject.on<T>()(p.m, l.theta, l.x, l.y, p.lay), sum};
        }),
    variant_strategy_subject);

/// The domain of a law whose cases are drawn on the exact rung: the losses that run there.
law_domain on_exact_losses(law_domain d) {
  d.losses = selection<loss>::where("that run on the exact rung",
                                    [](const loss &l) { return l.supports(rung::exact); });
  return d;
}

const bool masked_nothing = register_law(
    make_law<pipeline_subject, masked_extra_problem>(
        {.name = "masked_examples_change_nothing",
         .kind = entry_kind::law,
         .family = "strategies",
         .claim = "without batch coupling, adding a masked example (or an ignored token) to any "
                  "micro-batch, shard or sequence leaves the gradient of every strategy whose "
                  "divisors count valid items unchanged",
         .formula = "g(batch + masked example) = g(batch)",
         .lhs = "the strategy's gradient with the masked example",
         .rhs = "the strategy's gradient without it",
         .explanation = "a masked example has coefficient 0 and is not counted in any divisor",
         .domain = on_exact_losses(pipeline_strategies(ignores_masked))},
        [](const variant &v) { return masked_extras(*v.strat, rung::exact); },
        []<class T>(const pipeline_subject &subject, const masked_extra_problem &p) -> sides<T> {
          const auto l = lift<T>(p);
          const vec<T> ex = lift<T>(p.extra_x), ey = lift<T>(p.extra_y);
          const auto &g = subject.on<T>();
          return {g(p.m, l.theta, insert_column(l.x, p.at, ex), insert_column(l.y, p.at, ey),
                    p.extended()),
                  g(p.m, l.theta, l.x, l.y, p.lay)};
        }),
    variant_strategy_subject);

} // namespace
} // namespace gradlaws::props
