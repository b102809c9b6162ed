/* check_http_parse.c -- unit tests of the HTTP/1.x response framing (http_parse.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "http_parse.h"

Suite *http_parse_suite(void);

static const char OK[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: t\r\n\r\nok";

/* Feed a whole string in one read from a fresh parser. */
static enum http_parse_result feed_all(struct http_parse *p, const char *s, size_t *used)
{
    http_parse_reset(p);
    return http_parse_feed(p, s, strlen(s), used);
}

START_TEST(test_http_parse_status_and_content_length_in_one_read)
{
    struct http_parse p;
    size_t used = 0;
    ck_assert_int_eq(feed_all(&p, OK, &used), HTTP_PARSE_DONE);
    ck_assert_uint_eq(used, strlen(OK));
    ck_assert_uint_eq(p.status, 200);
    ck_assert(!p.close_after);
    ck_assert_int_eq(feed_all(&p, "HTTP/1.1 503 Busy\r\ncontent-length: 4\r\n\r\nbusy", &used),
                     HTTP_PARSE_DONE);
    ck_assert_uint_eq(p.status, 503);
    /* a bare LF ends lines too; a zero length ends the response with its head */
    ck_assert_int_eq(feed_all(&p, "HTTP/1.1 200 OK\nContent-Length:\t0\n\n", &used),
                     HTTP_PARSE_DONE);
}
END_TEST

/* The response arriving in two reads split at every byte, and one byte per read. */
START_TEST(test_http_parse_partial_input_across_reads)
{
    size_t n = strlen(OK), used;
    struct http_parse p;
    for (size_t i = 1; i < n; i++) {
        http_parse_reset(&p);
        ck_assert_int_eq(http_parse_feed(&p, OK, i, &used), HTTP_PARSE_MORE);
        ck_assert_uint_eq(used, i);
        ck_assert_msg(http_parse_feed(&p, OK + i, n - i, &used) == HTTP_PARSE_DONE, "split at %zu",
                      i);
        ck_assert_uint_eq(used, n - i);
        ck_assert_uint_eq(p.status, 200);
    }
    http_parse_reset(&p);
    for (size_t i = 0; i + 1 < n; i++)
        ck_assert_int_eq(http_parse_feed(&p, OK + i, 1, &used), HTTP_PARSE_MORE);
    ck_assert_int_eq(http_parse_feed(&p, OK + n - 1, 1, &used), HTTP_PARSE_DONE);
    ck_assert_uint_eq(used, 1);
}
END_TEST

/* A header line longer than the parser keeps, split across reads, then the framing headers. */
START_TEST(test_http_parse_long_header_split_across_reads)
{
    char buf[1024];
    char pad[400];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 200 OK\r\nX-Pad: %s\r\nConnection: close\r\nContent-Length: 3\r\n"
                     "\r\nabc",
                     pad);
    struct http_parse p;
    size_t used;
    http_parse_reset(&p);
    ck_assert_int_eq(http_parse_feed(&p, buf, 100, &used), HTTP_PARSE_MORE);
    ck_assert_int_eq(http_parse_feed(&p, buf + 100, 250, &used), HTTP_PARSE_MORE);
    ck_assert_int_eq(http_parse_feed(&p, buf + 350, (size_t)n - 350, &used), HTTP_PARSE_DONE);
    ck_assert_uint_eq(used, (size_t)n - 350);
    ck_assert(p.close_after);
}
END_TEST

START_TEST(test_http_parse_keep_alive_and_close)
{
    struct http_parse p;
    size_t used;
    ck_assert_int_eq(feed_all(&p, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", &used),
                     HTTP_PARSE_DONE);
    ck_assert(p.close_after); /* HTTP/1.0 closes unless told otherwise */
    ck_assert_int_eq(
        feed_all(&p, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n",
                 &used),
        HTTP_PARSE_DONE);
    ck_assert(!p.close_after);
    ck_assert_int_eq(
        feed_all(&p, "HTTP/1.1 200 OK\r\nconnection: CLOSE\r\nContent-Length: 0\r\n\r\n", &used),
        HTTP_PARSE_DONE);
    ck_assert(p.close_after);
}
END_TEST

/* No length: a body the server ends by closing; 204 and 304 have none. */
START_TEST(test_http_parse_body_until_close)
{
    struct http_parse p;
    size_t used;
    ck_assert_int_eq(feed_all(&p, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome", &used),
                     HTTP_PARSE_MORE);
    ck_assert(http_parse_until_close(&p));
    ck_assert_int_eq(http_parse_feed(&p, "more", 4, &used), HTTP_PARSE_MORE);
    ck_assert_uint_eq(used, 4);
    ck_assert_int_eq(feed_all(&p, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", &used),
                     HTTP_PARSE_DONE);
    ck_assert(!http_parse_until_close(&p));
    ck_assert_int_eq(feed_all(&p, OK, &used), HTTP_PARSE_DONE);
    ck_assert(!http_parse_until_close(&p));
}
END_TEST

START_TEST(test_http_parse_chunked_is_refused)
{
    struct http_parse p;
    size_t used;
    ck_assert_int_eq(
        feed_all(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                 &used),
        HTTP_PARSE_ERROR);
}
END_TEST

START_TEST(test_http_parse_malformed_status_line)
{
    static const char *const bad[] = {
        "HTTX/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1200 OK\r\n\r\n",
        "HTTP/1.1 20\r\n\r\n",
        "\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n",
    };
    struct http_parse p;
    size_t used;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(feed_all(&p, bad[i], &used) == HTTP_PARSE_ERROR, "accepted: %s", bad[i]);
}
END_TEST

START_TEST(test_http_parse_skips_100_continue)
{
    static const char s[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                            "Content-Length: 1\r\n\r\nx";
    struct http_parse p;
    size_t used;
    ck_assert_int_eq(feed_all(&p, s, &used), HTTP_PARSE_DONE);
    ck_assert_uint_eq(used, strlen(s));
    ck_assert_uint_eq(p.status, 201);
}
END_TEST

/* Bytes after the end of a response are not consumed; the caller sees where it ended. */
START_TEST(test_http_parse_stops_at_the_end_of_a_response)
{
    char two[256];
    snprintf(two, sizeof two, "%s%s", OK, OK);
    struct http_parse p;
    size_t used;
    ck_assert_int_eq(feed_all(&p, two, &used), HTTP_PARSE_DONE);
    ck_assert_uint_eq(used, strlen(OK));
    http_parse_reset(&p); /* the next response on the same connection */
    ck_assert_int_eq(http_parse_feed(&p, two + used, strlen(two) - used, &used), HTTP_PARSE_DONE);
    ck_assert_uint_eq(used, strlen(OK));
}
END_TEST

Suite *http_parse_suite(void)
{
    Suite *s = suite_create("http_parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_http_parse_status_and_content_length_in_one_read);
    tcase_add_test(tc, test_http_parse_partial_input_across_reads);
    tcase_add_test(tc, test_http_parse_long_header_split_across_reads);
    tcase_add_test(tc, test_http_parse_keep_alive_and_close);
    tcase_add_test(tc, test_http_parse_body_until_close);
    tcase_add_test(tc, test_http_parse_chunked_is_refused);
    tcase_add_test(tc, test_http_parse_malformed_status_line);
    tcase_add_test(tc, test_http_parse_skips_100_continue);
    tcase_add_test(tc, test_http_parse_stops_at_the_end_of_a_response);
    suite_add_tcase(s, tc);
    return s;
}
