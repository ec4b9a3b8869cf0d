// train_model: the two-tower bundle plus its serving files (towerrec/training.h).
#include "towerrec/training.h"

#include <spdlog/spdlog.h>

#include "serve/bundle_model.h"

namespace towerrec {

TrainResult train_model(const Config& config, const PipelineOutput& data,
                        const std::string& out_dir, const TrainOptions& options,
                        std::chrono::steady_clock::time_point started) {
  TrainResult result = train_two_tower(config, data, out_dir, options);
  spdlog::info(config.train.collaborative
                   ? "writing the serving catalogue and fitting collaborative (BPR) factors"
                   : "writing the serving catalogue");
  serve::write_serving_files(config, data, out_dir, started);
  return result;
}

}  // namespace towerrec
