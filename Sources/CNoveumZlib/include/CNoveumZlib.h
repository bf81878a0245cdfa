#ifndef CNOVEUM_ZLIB_H
#define CNOVEUM_ZLIB_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

/// Starts a deflate stream that writes the gzip format (RFC 1952): zlib's `deflateInit2` with window bits 31.
/// `deflateInit2` is a macro, which Swift cannot call, hence this function.
int cnoveum_deflate_init_gzip(z_streamp stream, int level);

/// Starts an inflate stream that reads gzip or zlib data (window bits 47: automatic header detection).
int cnoveum_inflate_init_gzip(z_streamp stream);

/// The CRC-32 of `len` bytes at `buf` (gzip's check value): faster than zlib's where the CPU has carry-less
/// multiplication (x86-64 Linux), the same value everywhere.
uint32_t cnoveum_crc32(const uint8_t *buf, size_t len);

#endif
