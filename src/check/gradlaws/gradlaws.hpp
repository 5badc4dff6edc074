#pragma once
// The engine and the judges in one include: what a regression test drafted by a report needs
// (the precision ladder, registries, models, backprop, the oracle, strategies, exact literals,
// verdicts). Property writers add gradlaws/property.hpp; reports are in gradlaws/report.hpp.

#include "gradlaws/activation.hpp"
#include "gradlaws/backprop.hpp"
#include "gradlaws/adjoint.hpp"
#include "gradlaws/error.hpp"
#include "gradlaws/judge.hpp"
#include "gradlaws/layer.hpp"
#include "gradlaws/literals.hpp"
#include "gradlaws/loss.hpp"
#include "gradlaws/model.hpp"
#include "gradlaws/norm_layers.hpp"
#include "gradlaws/oracle.hpp"
#include "gradlaws/problem.hpp"
#include "gradlaws/scalar.hpp"
#include "gradlaws/aggregation.hpp"
#include "gradlaws/strategy.hpp"
#include "gradlaws/verdict.hpp"
