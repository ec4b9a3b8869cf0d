#include "train/batch_stream.h"

#include <algorithm>
#include <numeric>

namespace towerrec {

uint64_t epoch_seed(uint64_t seed, int64_t epoch) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(epoch + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

BatchStream::BatchStream(const TrainingSource& source, const EpochPlan& plan)
    : source_(source), plan_(plan) {
  order_.resize(source.users->size());
  std::iota(order_.begin(), order_.end(), 0);
  std::mt19937_64 rng(epoch_seed(plan.seed, plan.epoch));
  std::shuffle(order_.begin(), order_.end(), rng);
  // A trailing batch of one example joins the previous batch: batch norm cannot train
  // on a single row.
  int64_t n = static_cast<int64_t>(order_.size());
  num_batches_ = (n + plan.batch_size - 1) / plan.batch_size;
  if (n > 1 && n % plan.batch_size == 1) --num_batches_;
  const int64_t last = n - (num_batches_ - 1) * plan.batch_size;
  if (plan.world_size > 1 && num_batches_ > 0 && last < plan.world_size) --num_batches_;
  producer_ = std::thread([this] { produce(); });
}

BatchStream::~BatchStream() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  producer_.join();
}

void BatchStream::produce() {
  std::mt19937_64 rng(
      epoch_seed(plan_.seed ^ 0x5eed ^ (static_cast<uint64_t>(plan_.rank) << 32), plan_.epoch));
  try {
    for (int64_t b = 0; b < num_batches_; ++b) {
      auto begin = order_.begin() + b * plan_.batch_size;
      auto end = b + 1 == num_batches_ ? order_.end() : begin + plan_.batch_size;
      if (plan_.world_size > 1) rank_block(&begin, &end);
      if (!wait_for_round(b)) return;
      TrainBatch batch = make_batch(std::vector<int64_t>(begin, end), rng);
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stop_ || queue_.size() < plan_.queue_capacity; });
      if (stop_) return;
      queue_.push_back(std::move(batch));
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = true;
  changed_.notify_all();
}

void BatchStream::rank_block(std::vector<int64_t>::iterator* begin,
                             std::vector<int64_t>::iterator* end) const {
  const int64_t rows = *end - *begin;
  const auto from = rows * plan_.rank / plan_.world_size;
  const auto to = rows * (plan_.rank + 1) / plan_.world_size;
  *end = *begin + to;
  *begin += from;
}

bool BatchStream::wait_for_round(int64_t batch) {
  if (plan_.refresh_every <= 0 || batch % plan_.refresh_every != 0) return true;
  std::unique_lock<std::mutex> lock(mutex_);
  int64_t round = batch / plan_.refresh_every;
  changed_.wait(lock, [&] { return stop_ || released_ >= round; });
  return !stop_;
}

void BatchStream::release(int64_t round) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = std::max(released_, round);
  }
  changed_.notify_all();
}

std::optional<TrainBatch> BatchStream::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !queue_.empty() || done_; });
  if (!queue_.empty()) {
    TrainBatch batch = std::move(queue_.front());
    queue_.pop_front();
    changed_.notify_all();
    return batch;
  }
  if (error_) std::rethrow_exception(error_);
  return std::nullopt;
}

TrainBatch BatchStream::make_batch(const std::vector<int64_t>& positions,
                                   std::mt19937_64& rng) const {
  std::vector<int64_t> users, items;
  std::vector<float> weights;
  for (int64_t k : positions) {
    users.push_back((*source_.users)[k]);
    items.push_back((*source_.items)[k]);
    weights.push_back((*source_.weights)[k]);
  }
  BatchNegatives sampled;
  if (source_.sampler) sampled = source_.sampler->sample(users, items, plan_.negatives, rng);
  if (plan_.negatives > 0 && source_.explicit_negatives)
    put_explicit_negatives(*source_.explicit_negatives, users, plan_.negatives, rng,
                           &sampled.per_row);
  TrainBatch batch;
  batch.users = torch::tensor(users, torch::kInt64);
  batch.items = torch::tensor(items, torch::kInt64);
  batch.weights = torch::tensor(weights, torch::kFloat32);
  batch.user_features = source_.user_features->gather(batch.users);
  batch.item_features = source_.item_features->gather(batch.items);
  if (source_.history_masks) apply_history_masks(*source_.history_masks, &batch.user_features, rng);
  if (source_.known_positives)
    batch.known_positive = positive_mask(*source_.known_positives, users, items);
  auto rows = static_cast<int64_t>(positions.size());
  if (plan_.negatives > 0) {
    auto flat = torch::tensor(sampled.per_row, torch::kInt64);
    batch.negatives = flat.view({rows, plan_.negatives});
    batch.negative_features = source_.item_features->gather(flat);
  }
  if (!sampled.shared.empty()) {
    auto shared = static_cast<int64_t>(sampled.shared.size());
    batch.shared = torch::tensor(sampled.shared, torch::kInt64);
    batch.shared_known =
        torch::tensor(sampled.shared_known, torch::kUInt8).view({rows, shared}).to(torch::kBool);
    batch.shared_features = source_.item_features->gather(batch.shared);
  }
  return batch;
}

}  // namespace towerrec
