#ifndef NOVEUM_C_BENCH_ZLIB_H
#define NOVEUM_C_BENCH_ZLIB_H

#include <stddef.h>
#include <stdint.h>

/// The most bytes `noveum_bench_gzip` writes for `length` input bytes.
size_t noveum_bench_gzip_bound(size_t length);

/// Compresses `input` into `output` as one gzip member (RFC 1952) at zlib `level`; returns the bytes written, or 0
/// when zlib fails or `capacity` is too small. The SDK's gzip is internal to its package, hence this copy for the
/// benchmarks that pre-compress request bodies.
size_t noveum_bench_gzip(const uint8_t *input, size_t length, uint8_t *output, size_t capacity, int level);

#endif
