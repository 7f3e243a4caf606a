// libFuzzer's driver for Swift; the runtime itself is linked by -sanitize=fuzzer, so nothing is linked here.
#ifndef CLIBFUZZER_SHIM_H
#define CLIBFUZZER_SHIM_H
#include <stddef.h>
#include <stdint.h>

// Runs libFuzzer with main's arguments: what an executable that has a main of its own calls.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
