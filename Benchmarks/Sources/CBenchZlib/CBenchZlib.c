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
