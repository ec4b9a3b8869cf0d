// A rank > 0: the same training as rank 0's, without any file written.
#include "towerrec/distributed.h"
#include "towerrec/error.h"
#include "train/communicator.h"
#include "train/trainer.h"

namespace towerrec {

TrainResult train_replica(const Config& config, const PipelineOutput& data,
                          const std::string& out_dir, const TrainOptions& options) {
  const auto communicator = process_communicator();
  check_internal(communicator && communicator->rank() > 0,
                 "train_replica is for the ranks after rank 0");
  // model_dir stays empty: the trainer of a rank > 0 writes nothing.
  return train_model_files(config, data, {"", BundleLayout(out_dir)}, options);
}

}  // namespace towerrec
