import { removeDeadRuns } from '@lbaas/dataplane';

/** The tag of the e2e specs' fabrics: each run's is `lbt<pid hex>-`, so it never meets `make up` or another run. */
const RUN_TAG = 'lbt';
export const RUN_PREFIX = `${RUN_TAG}${process.pid.toString(16)}-`;

/** Removes the namespaces of earlier runs whose process is gone (a crash, SIGKILL of jest). */
export const sweepDeadRuns = (): Promise<void> => removeDeadRuns(RUN_TAG);
