// The object behind towerrec.Model: a shared, immutable loaded bundle.
#pragma once

#include <memory>

#include "towerrec/model.h"

namespace towerrec::python {

struct Model {
  std::shared_ptr<const TwoTowerModel> model;
};

}  // namespace towerrec::python
