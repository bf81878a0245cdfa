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

/// Decompresses one gzip (or zlib) member `input` into `output`. Returns 0 and sets `*written` when it is whole,
/// 1 when `capacity` is too small (retry with more), -1 when the input is not valid compressed data.
int noveum_bench_gunzip(const uint8_t *input, size_t length, uint8_t *output, size_t capacity, size_t *written);

#endif
