// Slots of the shared Int32Array between a parse worker and the importing thread, one
// array per file.
export const SIG_POSTED = 0;
export const SIG_CONSUMED = 1;
/** Set by the importing thread when it drops the file (e.g. a duplicate): stop parsing it. */
export const SIG_ABANDONED = 2;
export const SIG_SLOTS = 3;
/** Batches a parse worker may run ahead of the writer. */
export const MAX_IN_FLIGHT = 8;
