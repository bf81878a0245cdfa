#ifndef CNOVEUM_ZLIB_H
#define CNOVEUM_ZLIB_H

#include <zlib.h>

/// Starts a deflate stream that writes the gzip format (RFC 1952): zlib's `deflateInit2` with window bits 31.
/// `deflateInit2` is a macro, which Swift cannot call, hence this function.
int cnoveum_deflate_init_gzip(z_streamp stream, int level);

/// Starts an inflate stream that reads gzip or zlib data (window bits 47: automatic header detection).
int cnoveum_inflate_init_gzip(z_streamp stream);

#endif
