// Data-parallel training across processes (docs/distributed.md): the launch environment,
// the rendezvous that joins the ranks into one Gloo process group (torch.distributed's
// c10d, over TCP), the local launcher behind `towerrec train --nproc N`, and the training
// entry of the ranks that do not write the bundle.
//
// The environment is torchrun's: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT and
// LOCAL_RANK. Rank 0 hosts the rendezvous store at MASTER_ADDR:MASTER_PORT, validates,
// decides and writes the bundle (build_bundle); the other ranks train their replica and
// write nothing (train_replica).
//
// Thread safety: plain functions; one communicator per process.
#pragma once

#include <memory>
#include <string>

#include "towerrec/config.h"
#include "towerrec/model.h"
#include "towerrec/pipeline.h"

namespace towerrec {

class Communicator;  // src/train/communicator.h

// Seconds the rendezvous and every exchange wait for the other ranks by default
// (`towerrec train --dist-timeout`).
inline constexpr double kDefaultDistributedTimeout = 300;

struct DistributedEnv {
  int rank = 0;
  int world_size = 1;  // 1 = a single process (no WORLD_SIZE in the environment)
  int local_rank = 0;
  std::string master_addr;
  int master_port = 0;
};

// Reads the launcher's variables. WORLD_SIZE unset or 1 = a single process. Throws
// Error naming the variable when one is malformed or missing (MASTER_ADDR and
// MASTER_PORT are required with WORLD_SIZE > 1).
DistributedEnv distributed_env_from_environment();

// Joins the process group of `env` (world_size >= 2): rank 0 opens the store at
// master_addr:master_port and waits for every rank; the others connect to it. Throws
// Error naming the address when the rendezvous does not complete within
// timeout_seconds (nobody listening, a rank missing, the port taken). Every later
// collective has the same timeout. The group becomes this process's communicator: every
// training of the process then runs as this rank (process_communicator()).
std::shared_ptr<Communicator> join_process_group(const DistributedEnv& env, double timeout_seconds);

// `towerrec train --nproc N`: runs this very command line (read from /proc/self/cmdline,
// --nproc removed) as N local ranks on a free loopback port, and waits for them. When a
// rank fails, the others get timeout_seconds (plus a grace period) to stop on their own
// and are then killed. Returns when every rank succeeded; throws Error naming the
// first rank that failed (exit status or signal) otherwise.
void launch_local_workers(int nproc, double timeout_seconds);

// Trains the replica of a rank > 0 (after join_process_group) with the data and config
// rank 0 uses; writes nothing (the checkpoint for options.resume is read from
// out_dir's training folder, which the ranks must share).
TrainResult train_replica(const Config& config, const PipelineOutput& data,
                          const std::string& out_dir, const TrainOptions& options);

}  // namespace towerrec
