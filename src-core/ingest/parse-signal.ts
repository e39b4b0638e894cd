// Slots of the shared Int32Array between a parse worker and the importing thread.
export const SIG_POSTED = 0;
export const SIG_CONSUMED = 1;
/** Batches a parse worker may run ahead of the writer. */
export const MAX_IN_FLIGHT = 8;
