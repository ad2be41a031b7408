package io.github.deaddirections.monitor;

import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ND4J threading of the read thread. A read is thousands of small ops on matrices of a few hundred
 * rows; spread over OpenMP worker threads they spin-wait more than they compute, and on a machine
 * whose cores the training already uses, far more (the CLI's advice is OMP_NUM_THREADS=1). The
 * read thread therefore sets its own OpenMP team size to 1 ({@code omp_set_num_threads} acts on
 * the calling thread's parallel regions only). ND4J's process-wide settings
 * ({@code OMP_NUM_THREADS}, {@code Nd4j.getEnvironment().setMaxMasterThreads}) are the user's
 * training's, and stay untouched.
 */
final class ReadThreads {

    private static final Logger LOG = LoggerFactory.getLogger(ReadThreads.class);

    private ReadThreads() {
    }

    static void oneThreadPerOp() {
        try {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        } catch (Throwable t) {
            // No native backend loaded yet or a backend without OpenMP: reads run as ND4J decides.
            LOG.debug("dead-directions: could not set the read thread's OpenMP threads ({})", t.toString());
        }
    }
}
