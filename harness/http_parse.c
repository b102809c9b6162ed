/* http_parse.c -- incremental HTTP/1.x response framing: status, Content-Length, Connection. */
#include "http_parse.h"

#include <string.h>
#include <strings.h>

enum { HP_STATUS = 0, HP_HEADERS, HP_BODY, HP_BODY_EOF };

static bool header_is(const char *s, size_t len, const char *name, size_t nlen)
{
    return len >= nlen && strncasecmp(s, name, nlen) == 0;
}

static bool value_has(const char *s, size_t len, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++)
        if (strncasecmp(s + i, word, w) == 0)
            return true;
    return false;
}

/* The status line "HTTP/1.x NNN ...". Returns 0, or -1 when it is not one. */
static int status_line(struct http_parse *p, const char *s, size_t len)
{
    if (len < 12 || memcmp(s, "HTTP/1.", 7) != 0 || s[8] != ' ')
        return -1;
    unsigned st = 0;
    for (int i = 9; i < 12; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        st = st * 10 + (unsigned)(s[i] - '0');
    }
    p->status = (uint16_t)st;
    p->close_after = s[7] == '0'; /* HTTP/1.0 closes unless told keep-alive */
    p->chunked = false;
    p->body_left = -1;
    p->state = HP_HEADERS;
    return 0;
}

/* One line of the head without its CRLF. Returns 1 when the head ends, 0 to go on, -1 on a
 * malformed or unsupported response. */
static int head_line(struct http_parse *p, const char *s, size_t len)
{
    if (p->state == HP_STATUS)
        return status_line(p, s, len);
    if (len == 0) {
        if (p->status >= 100 && p->status < 200) { /* 100 Continue: the real one follows */
            p->state = HP_STATUS;
            return 0;
        }
        return p->chunked ? -1 : 1;
    }
    if (header_is(s, len, "content-length:", 15)) {
        int64_t v = 0;
        size_t i = 15;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == len)
            return -1;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            v = v * 10 + (s[i] - '0');
        p->body_left = v;
    } else if (header_is(s, len, "connection:", 11)) {
        if (value_has(s + 11, len - 11, "close"))
            p->close_after = true;
        else if (value_has(s + 11, len - 11, "keep-alive"))
            p->close_after = false;
    } else if (header_is(s, len, "transfer-encoding:", 18)) {
        p->chunked = value_has(s + 18, len - 18, "chunked");
    }
    return 0;
}

/* Append up to k bytes of a split line to p->line, keeping its start (names, short values). */
static void keep(struct http_parse *p, const char *s, size_t k)
{
    if (p->linelen + k > HTTP_PARSE_LINE_LEN)
        k = HTTP_PARSE_LINE_LEN - p->linelen;
    memcpy(p->line + p->linelen, s, k);
    p->linelen = (uint16_t)(p->linelen + k);
}

/* The head has ended: what comes next. */
static enum http_parse_result head_done(struct http_parse *p)
{
    if (p->body_left > 0) {
        p->state = HP_BODY;
        return HTTP_PARSE_MORE;
    }
    if (p->body_left < 0 && p->close_after && p->status != 204 && p->status != 304) {
        p->state = HP_BODY_EOF; /* no length: the body ends when the server closes */
        return HTTP_PARSE_MORE;
    }
    return HTTP_PARSE_DONE;
}

void http_parse_reset(struct http_parse *p)
{
    p->state = HP_STATUS;
    p->linelen = 0;
}

enum http_parse_result http_parse_feed(struct http_parse *p, const char *buf, size_t n,
                                       size_t *used)
{
    size_t u = 0;
    while (u < n) {
        if (p->state == HP_BODY) {
            size_t take = n - u;
            if ((int64_t)take > p->body_left)
                take = (size_t)p->body_left;
            p->body_left -= (int64_t)take;
            u += take;
            if (p->body_left == 0) {
                *used = u;
                return HTTP_PARSE_DONE;
            }
            continue;
        }
        if (p->state == HP_BODY_EOF)
            break;
        const char *s = buf + u;
        const char *nl = memchr(s, '\n', n - u);
        if (!nl) {
            keep(p, s, n - u);
            break;
        }
        size_t len = (size_t)(nl - s);
        u += len + 1;
        if (p->linelen > 0) {
            keep(p, s, len);
            s = p->line;
            len = p->linelen;
            p->linelen = 0;
        }
        if (len > 0 && s[len - 1] == '\r')
            len--;
        int r = head_line(p, s, len);
        if (r < 0)
            return HTTP_PARSE_ERROR;
        if (r == 1 && head_done(p) == HTTP_PARSE_DONE) {
            *used = u;
            return HTTP_PARSE_DONE;
        }
    }
    *used = n;
    return HTTP_PARSE_MORE;
}

bool http_parse_until_close(const struct http_parse *p)
{
    return p->state == HP_BODY_EOF;
}
