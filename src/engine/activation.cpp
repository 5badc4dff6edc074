#include "gradlaws/activation.hpp"

#include "gradlaws/detail/builtin_activations.hpp"
#include "gradlaws/detail/registry.hpp"

namespace gradlaws {

namespace {

detail::registry<activation> &activation_table() {
  static detail::registry<activation> r = [] {
    detail::registry<activation> t("activation");
    auto add = [&t]<class Impl>(activation_info info) {
      info.rational = Impl::rational;
      if constexpr (requires { Impl::needs_erf; }) info.interval = !Impl::needs_erf;
      t.add(std::make_unique<detail::activation_adapter<Impl>>(std::move(info)));
    };
    using namespace builtin;
    add.operator()<identity>({"identity", "z", "1", true, true, "none"});
    add.operator()<relu>({"relu", "max(z, 0)", "1 if z > 0 else 0", true, false,
                          "σ′(0) = 0"});
    add.operator()<leaky_relu>({"leaky_relu", "z if z > 0 else z/100", "1 if z > 0 else 1/100",
                                true, false, "σ′(0) = 1/100"});
    add.operator()<abs_value>({"abs", "|z|", "sign(z)", true, false, "σ′(0) = 0"});
    add.operator()<hard_tanh>({"hard_tanh", "clamp(z, -1, 1)", "1 if -1 < z < 1 else 0", true,
                               false, "σ′(±1) = 0"});
    add.operator()<square>({"square", "z²", "2z", true, true, "none"});
    add.operator()<cube>({"cube", "z³", "3z²", true, false, "none"});
    add.operator()<softsign>({"softsign", "z/(1+|z|)", "1/(1+|z|)²", true, false,
                              "none (differentiable at 0, σ′(0) = 1)"});
    add.operator()<sigmoid>({"sigmoid", "1/(1+e^-z)", "σ(z)(1-σ(z))", false, false, "none"});
    add.operator()<tanh_fn>({"tanh", "tanh z", "1 - tanh² z", false, false, "none"});
    add.operator()<softplus>({"softplus", "log(1+e^z)", "σ(z)", false, false, "none"});
    add.operator()<gelu>({"gelu", "z·Φ(z)", "Φ(z) + z·φ(z)", false, false,
                          "none"});
    add.operator()<silu>({"silu", "z·σ(z)", "σ(z)(1 + z(1-σ(z)))", false, false, "none"});
    return t;
  }();
  return r;
}

} // namespace

const activation &find_activation(std::string_view name) { return activation_table().find(name); }

std::vector<const activation *> activations() { return activation_table().all(); }

std::vector<const activation *> activations_on(rung r) {
  std::vector<const activation *> out;
  for (const auto *a : activations())
    if (a->supports(r)) out.push_back(a);
  return out;
}

bool register_activation(std::unique_ptr<const activation> a) {
  activation_table().add(std::move(a));
  return true;
}

} // namespace gradlaws
