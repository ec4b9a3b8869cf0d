#include "train/communicator.h"

#include <mutex>

namespace towerrec {

namespace {

std::mutex& communicator_mutex() {
  static std::mutex mutex;
  return mutex;
}

std::shared_ptr<Communicator>& communicator_slot() {
  static std::shared_ptr<Communicator> communicator;
  return communicator;
}

}  // namespace

std::shared_ptr<Communicator> process_communicator() {
  std::lock_guard<std::mutex> lock(communicator_mutex());
  return communicator_slot();
}

void set_process_communicator(std::shared_ptr<Communicator> communicator) {
  std::lock_guard<std::mutex> lock(communicator_mutex());
  communicator_slot() = std::move(communicator);
}

}  // namespace towerrec
