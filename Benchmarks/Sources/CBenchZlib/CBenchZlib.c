#include "CBenchZlib.h"

#include <zlib.h>

size_t noveum_bench_gzip_bound(size_t length) {
    // deflateBound plus the gzip header and trailer (18 bytes), with room to spare.
    return (size_t)compressBound((uLong)length) + 64;
}

size_t noveum_bench_gzip(const uint8_t *input, size_t length, uint8_t *output, size_t capacity, int level) {
    z_stream stream = {0};
    // Window bits 15 + 16: write a gzip header and trailer instead of zlib's.
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = output;
    stream.avail_out = (uInt)capacity;
    int status = deflate(&stream, Z_FINISH);
    size_t written = capacity - stream.avail_out;
    deflateEnd(&stream);
    return status == Z_STREAM_END ? written : 0;
}

int noveum_bench_gunzip(const uint8_t *input, size_t length, uint8_t *output, size_t capacity, size_t *written) {
    z_stream stream = {0};
    // Window bits 15 + 32: read a gzip or zlib header, whichever the input has.
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return -1;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = output;
    stream.avail_out = (uInt)capacity;
    int status = inflate(&stream, Z_FINISH);
    *written = capacity - stream.avail_out;
    int full = stream.avail_out == 0;
    inflateEnd(&stream);
    if (status == Z_STREAM_END) return 0;
    // Out of room: the caller retries with more. Anything else (corrupt or truncated input) is an error.
    return (status == Z_BUF_ERROR || status == Z_OK) && full ? 1 : -1;
}
