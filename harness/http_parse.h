/* http_parse.h -- incremental HTTP/1.x response framing: status, Content-Length, Connection. */
#ifndef LJ_HTTP_PARSE_H
#define LJ_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Head lines are kept up to this many bytes when they arrive split across reads: enough for
 * the header names and the short values framing needs; the rest of a long line is skipped. */
#define HTTP_PARSE_LINE_LEN 96

/* What one response has shown so far. Plain data, reset by http_parse_reset before each
 * response; the fields are valid once the status line has been read. Chunked bodies are not
 * supported: a chunked response is an error. */
struct http_parse {
    uint8_t state;     /* private: where the parser is */
    bool close_after;  /* the server closes after this response (HTTP/1.0, Connection: close) */
    bool chunked;      /* Transfer-Encoding: chunked was announced */
    uint16_t status;   /* 100..999 */
    uint16_t linelen;  /* private: bytes of a split head line held in line[] */
    int64_t body_left; /* Content-Length still to read; -1: none given */
    char line[HTTP_PARSE_LINE_LEN];
};

enum http_parse_result {
    HTTP_PARSE_MORE = 0, /* every byte consumed; the response needs more */
    HTTP_PARSE_DONE,     /* a response ended; *used says where */
    HTTP_PARSE_ERROR,    /* malformed or unsupported (chunked) response */
};

/* Get ready for a new response. */
void http_parse_reset(struct http_parse *p);

/* Feed the next n bytes of the stream. Sets *used to the bytes consumed: all n for
 * HTTP_PARSE_MORE, up to and including the response's last byte for HTTP_PARSE_DONE (bytes
 * after it belong to no request). *used is unspecified on HTTP_PARSE_ERROR. 1xx responses are
 * skipped: DONE is for the final one. A response with neither Content-Length nor a body-less
 * status that the server closes after is read until end of file: see http_parse_until_close. */
enum http_parse_result http_parse_feed(struct http_parse *p, const char *buf, size_t n,
                                       size_t *used);

/* True when the response's body runs until the server closes: its end of file completes it. */
bool http_parse_until_close(const struct http_parse *p);

#endif
