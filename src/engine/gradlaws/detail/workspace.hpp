#pragma once
// Workspaces: matrices the engine keeps from pass to pass and from case to case, so that a
// law run's thousands of passes over models of one shape allocate once. On the multiprecision
// rungs a kept matrix keeps its entries, and with them their limbs: a pass that writes into it
// with the in-place arithmetic of detail/inplace.hpp calls no allocator at all.
//
// A kept matrix is reused only when it has the shape asked for and every entry carries the
// working precision a fresh one would have; otherwise it is rebuilt. So a pass computes, to the
// last bit, what it computes on fresh matrices.

#include "gradlaws/scalar.hpp"

#include <memory>
#include <type_traits>

namespace gradlaws::detail {

/// True when the entries of m (a matrix or vector of T) carry the precision that a value of T
/// made now would carry.
template <class M> bool at_working_precision(const M &m) {
  using T = typename M::Scalar;
  if constexpr (std::is_same_v<T, high>) {
    const auto bits = mpfr_prec_t(
        boost::multiprecision::detail::digits10_2_2(high::thread_default_precision()));
    for (Eigen::Index k = 0; k < m.size(); ++k)
      if (mpfr_get_prec(m.data()[k].backend().data()) != bits) return false;
    return true;
  } else if constexpr (std::is_same_v<T, interval>) {
    const auto bits = mpfr_prec_t(
        boost::multiprecision::detail::digits10_2_2(interval::thread_default_precision()));
    for (Eigen::Index k = 0; k < m.size(); ++k)
      if (mpfi_get_prec(m.data()[k].backend().data()) != bits) return false;
    return true;
  } else {
    return true; // exact, double, float: no precision to carry
  }
}

/// Makes m (a matrix or vector of T) rows × cols, with entries the caller will all overwrite:
/// kept as it is when it already has that shape and the working precision, else rebuilt. The
/// reverse-mode scalars (adjoint<T>) are always rebuilt: their values belong to one recording.
template <class M> void reshape(M &m, Eigen::Index rows, Eigen::Index cols) {
  if constexpr (!scalar_traits<typename M::Scalar>::is_ad) {
    if (m.rows() == rows && m.cols() == cols && at_working_precision(m)) return;
  }
  m = M(rows, cols);
}

/// A thread's instance of W, lent to one user at a time: a nested call (code under test that
/// calls the engine from inside a pass) gets a fresh W of its own instead.
template <class W> class lease {
public:
  lease() {
    slot &s = thread_slot();
    if (!s.busy) {
      s.busy = true;
      held_ = &s;
      w_ = &s.w;
    } else {
      own_ = std::make_unique<W>();
      w_ = own_.get();
    }
  }
  ~lease() {
    if (held_) held_->busy = false;
  }
  lease(const lease &) = delete;
  lease &operator=(const lease &) = delete;
  W &operator*() const { return *w_; }
  W *operator->() const { return w_; }

private:
  struct slot {
    W w;
    bool busy = false;
  };
  static slot &thread_slot() {
    thread_local slot s;
    return s;
  }
  slot *held_ = nullptr;
  std::unique_ptr<W> own_;
  W *w_ = nullptr;
};

} // namespace gradlaws::detail
