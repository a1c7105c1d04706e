// The engine's thread pool: fork-join where nobody waits for a thread that is not working.
//
// Note [Work claiming]
// A parallel job is `nchunks` chunks of work. The caller publishes the job and works on it
// itself; workers claim chunks with a compare-and-swap on one atomic word (generation << 32 |
// next chunk). The caller returns as soon as every chunk is done, so a worker that another
// process has pushed off its core simply finds nothing left to claim when it runs again, instead
// of holding everyone at a barrier (what makes spinning OpenMP teams collapse 2-30x when another
// process keeps a core busy). Idle workers spin briefly, then sleep on a condition variable.
// Jobs started while another job runs (nested parallelism, or a second Python thread) run
// inline on the calling thread.
#pragma once

#include <cstdint>

namespace kn {

using ChunkFn = void (*)(void* ctx, int64_t chunk);

// Runs fn(ctx, c) for c in [0, nchunks) on up to `nthreads` threads (the caller included).
void pool_run(int64_t nchunks, int nthreads, ChunkFn fn, void* ctx);
// 0 for the calling thread, 1.. for pool workers.
int pool_thread_index();
bool pool_in_job();

}  // namespace kn
