#include "CNoveumZlib.h"

int cnoveum_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

int cnoveum_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}
