// A training step of the user's own libtorch module, checked by every law that applies.
#include <gradlaws/gtest.hpp>
#include <gradlaws/torch.hpp>

struct NetImpl : torch::nn::Module {
  torch::nn::Linear fc1{register_module("fc1", torch::nn::Linear(3, 8))};
  torch::nn::Linear fc2{register_module("fc2", torch::nn::Linear(8, 2))};
  torch::Tensor forward(const torch::Tensor &x) { return fc2(torch::tanh(fc1(x))); }
};
TORCH_MODULE(Net);

TEST(MyTorchStep, ObeysEveryLaw) {
  auto step = [](Net &net, const gradlaws::libtorch::batch &b) {
    net->zero_grad();
    b.objective(net->forward(b.x)).backward(); // b.objective: the loss gradlaws asks for
  };
  GRADLAWS_EXPECT_LAWS(gradlaws::libtorch::make_gradient_subject(
      "my step", [] { return Net(); }, step,
      gradlaws::libtorch::module_capabilities(*Net(), "Net", 3, 2, "mse")));
}
