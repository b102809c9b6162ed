/* check_probe.c -- decoding of probe replies: Erlang terms (as libei encodes them) to
 * struct sample, struct hello and JSON, bignums included. */
#include <check.h>
#include <ei.h>
#include <string.h>

#include "probe.h"
#include "suites.h"

static void atom_kv_int(ei_x_buff *x, const char *k, long long v)
{
    ei_x_encode_atom(x, k);
    ei_x_encode_longlong(x, v);
}

static void atom_kv_atom(ei_x_buff *x, const char *k, const char *v)
{
    ei_x_encode_atom(x, k);
    ei_x_encode_atom(x, v);
}

/* A snapshot as logjam_probe:snapshot/0 builds it; memory.total above 2^32 (a bignum). As
 * logjam_sampler sends it (stream): the logger's age_ms and samples_dropped too. */
static void encode_sample(ei_x_buff *x, const char *mode, long long total, bool stream)
{
    ei_x_encode_map_header(x, stream ? 10 : 9);
    if (stream)
        atom_kv_int(x, "samples_dropped", 3);
    atom_kv_int(x, "t_ms", -576460751787LL);
    atom_kv_int(x, "process_count", 104233);
    atom_kv_int(x, "process_limit", 1048576);
    ei_x_encode_atom(x, "memory");
    ei_x_encode_map_header(x, 4);
    atom_kv_int(x, "total", total);
    atom_kv_int(x, "processes", 5000000000LL);
    atom_kv_int(x, "binary", 123);
    atom_kv_int(x, "ets", 456);
    atom_kv_int(x, "run_queue", 7);
    atom_kv_int(x, "reductions", 99999999999LL);
    ei_x_encode_atom(x, "logger");
    ei_x_encode_map_header(x, stream ? 8 : 7);
    if (stream)
        atom_kv_int(x, "age_ms", 2300);
    atom_kv_atom(x, "backend", "fixture");
    atom_kv_atom(x, "mode", mode);
    atom_kv_int(x, "queue_len", 92180);
    atom_kv_int(x, "switches", 3);
    atom_kv_int(x, "written", 12);
    atom_kv_int(x, "dropped", 0);
    atom_kv_int(x, "kills", 2);
    ei_x_encode_atom(x, "pool");
    ei_x_encode_map_header(x, 2);
    atom_kv_atom(x, "mode", "spawn");
    atom_kv_int(x, "busy", 100000);
    atom_kv_int(x, "connections", 2998);
}

static void encode_snapshot(ei_x_buff *x, const char *mode, long long total)
{
    encode_sample(x, mode, total, false);
}

START_TEST(test_probe_decodes_snapshot_with_bignums)
{
    ei_x_buff x;
    struct sample s;
    int i = 0;
    ei_x_new(&x);
    encode_snapshot(&x, "sync", 6LL * 1024 * 1024 * 1024);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(probe_decode_snapshot(x.buff, &i, &s), 0);
    ck_assert_int_eq(i, x.index); /* the whole term was consumed */
    ck_assert_int_eq(s.process_count, 104233);
    ck_assert_int_eq(s.process_limit, 1048576);
    ck_assert_uint_eq(s.mem_total, 6ULL * 1024 * 1024 * 1024);
    ck_assert_uint_eq(s.mem_processes, 5000000000ULL);
    ck_assert_uint_eq(s.reductions, 99999999999ULL);
    ck_assert_int_eq(s.t_ms, -576460751787LL);
    ck_assert_int_eq(s.logger_mode, MODE_SYNC);
    ck_assert_int_eq(s.logger_queue, 92180);
    ck_assert_int_eq(s.logger_switches, 3);
    ck_assert_int_eq(s.logger_kills, 2);
    ck_assert_int_eq(s.pool_busy, 100000);
    ck_assert_int_eq(s.connections, 2998);
    ei_x_free(&x);
}
END_TEST

/* {logjam_sample, Seq, NodeTimeMs, Sample} from the node's sampler: the slot, the node's
 * time, the map as a snapshot's plus the logger's age and the node's drop count. */
START_TEST(test_probe_decodes_a_streamed_sample)
{
    ei_x_buff x;
    struct stream_sample ss;
    int i = 0;
    ei_x_new(&x);
    ei_x_encode_tuple_header(&x, 4);
    ei_x_encode_atom(&x, "logjam_sample");
    ei_x_encode_longlong(&x, 42);
    ei_x_encode_longlong(&x, -576460751500LL);
    encode_sample(&x, "async", 1000, true);
    ck_assert_int_eq(probe_decode_stream(x.buff, &i, &ss), 0);
    ck_assert_int_eq(i, x.index);
    ck_assert_int_eq(ss.seq, 42);
    ck_assert_int_eq(ss.node_ms, -576460751500LL);
    ck_assert_int_eq(ss.sample.process_count, 104233);
    ck_assert_int_eq(ss.sample.logger_queue, 92180);
    ck_assert_int_eq(ss.sample.logger_queue_age, 2300);
    ck_assert_uint_eq(ss.sample.samples_dropped, 3);
    /* an rpc reply on the same connection is not a sample */
    i = 0;
    x.index = 0;
    ei_x_encode_tuple_header(&x, 2);
    ei_x_encode_atom(&x, "rex");
    ei_x_encode_atom(&x, "ok");
    ck_assert_int_eq(probe_decode_stream(x.buff, &i, &ss), -1);
    ei_x_free(&x);
}
END_TEST

START_TEST(test_probe_decodes_every_logger_mode)
{
    static const struct {
        const char *atom;
        enum logger_mode mode;
    } modes[] = {{"async", MODE_ASYNC},    {"sync", MODE_SYNC},     {"drop", MODE_DROP},
                 {"flush", MODE_FLUSH},    {"killed", MODE_KILLED}, {"undefined", MODE_UNDEFINED},
                 {"weird", MODE_UNDEFINED}};
    for (size_t k = 0; k < sizeof modes / sizeof modes[0]; k++) {
        ei_x_buff x;
        struct sample s;
        int i = 0;
        ei_x_new(&x);
        encode_snapshot(&x, modes[k].atom, 1000);
        ck_assert_int_eq(probe_decode_snapshot(x.buff, &i, &s), 0);
        ck_assert_int_eq(s.logger_mode, modes[k].mode);
        ei_x_free(&x);
    }
}
END_TEST

START_TEST(test_probe_rejects_a_reply_that_is_not_a_snapshot)
{
    ei_x_buff x;
    struct sample s;
    int i = 0;
    ei_x_new(&x);
    ei_x_encode_tuple_header(&x, 2);
    ei_x_encode_atom(&x, "badrpc");
    ei_x_encode_atom(&x, "nodedown");
    ck_assert_int_eq(probe_decode_snapshot(x.buff, &i, &s), -1);
    ei_x_free(&x);
    /* a map without process_count */
    ei_x_new(&x);
    ei_x_encode_map_header(&x, 1);
    atom_kv_int(&x, "t_ms", 1);
    i = 0;
    ck_assert_int_eq(probe_decode_snapshot(x.buff, &i, &s), -1);
    ei_x_free(&x);
}
END_TEST

START_TEST(test_probe_decodes_hello_with_undefined_port)
{
    ei_x_buff x;
    struct hello h;
    int i = 0;
    ei_x_new(&x);
    ei_x_encode_map_header(&x, 5);
    ei_x_encode_atom(&x, "otp_release");
    ei_x_encode_binary(&x, "25", 2);
    atom_kv_atom(&x, "fixture_port", "undefined");
    atom_kv_atom(&x, "logger_backend", "lager");
    ei_x_encode_atom(&x, "probe_version");
    ei_x_encode_binary(&x, "1", 1);
    atom_kv_atom(&x, "node", "fx1@127.0.0.1");
    ck_assert_int_eq(probe_decode_hello(x.buff, &i, &h), 0);
    ck_assert_int_eq(h.fixture_port, 0); /* not ready yet */
    ck_assert_str_eq(h.otp_release, "25");
    ck_assert_str_eq(h.logger_backend, "lager");
    ck_assert_str_eq(h.node, "fx1@127.0.0.1");
    ei_x_free(&x);
}
END_TEST

START_TEST(test_probe_term_to_json_shapes)
{
    ei_x_buff x;
    int i = 0;
    ei_x_new(&x);
    /* #{by_function => [#{count => 3, function => <<"gen_event:rpc/2">>}],
     *   partial => true, name => undefined, t => {1, "ab"}, big => 2^70} */
    ei_x_encode_map_header(&x, 5);
    ei_x_encode_atom(&x, "by_function");
    ei_x_encode_list_header(&x, 1);
    ei_x_encode_map_header(&x, 2);
    atom_kv_int(&x, "count", 3);
    ei_x_encode_atom(&x, "function");
    ei_x_encode_binary(&x, "gen_event:rpc/2", 15);
    ei_x_encode_empty_list(&x);
    atom_kv_atom(&x, "partial", "true");
    atom_kv_atom(&x, "name", "undefined");
    ei_x_encode_atom(&x, "t");
    ei_x_encode_tuple_header(&x, 2);
    ei_x_encode_long(&x, 1);
    ei_x_encode_string(&x, "ab");
    ei_x_encode_atom(&x, "big");
    erlang_big *big = ei_alloc_big(9);
    memset(big->digits, 0, 9);
    ((unsigned char *)big->digits)[8] = 0x40; /* 2^70 */
    big->is_neg = 0;
    ei_x_encode_big(&x, big);
    ei_free_big(big);

    json_t *j = probe_term_to_json(x.buff, &i);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(i, x.index);
    json_t *bf = json_array_get(json_object_get(j, "by_function"), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(bf, "count")), 3);
    ck_assert_str_eq(json_string_value(json_object_get(bf, "function")), "gen_event:rpc/2");
    ck_assert(json_is_true(json_object_get(j, "partial")));
    ck_assert(json_is_null(json_object_get(j, "name")));
    ck_assert_int_eq(json_array_size(json_object_get(j, "t")), 2);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "t"), 1)), "ab");
    ck_assert_ptr_nonnull(json_object_get(j, "big")); /* beyond 64 bits: kept, not dropped */
    json_decref(j);
    ei_x_free(&x);
}
END_TEST

/* The odd shapes, each consumed whole: an improper list keeps its elements (the tail is
 * skipped), a binary that is not UTF-8 reads with '?', a float stays a float, and map keys
 * that are not strings are named by their value ("7", "undefined", "?"). */
START_TEST(test_probe_term_to_json_odd_shapes)
{
    ei_x_buff x;
    int i = 0;
    ei_x_new(&x);
    ei_x_encode_tuple_header(&x, 4);
    ei_x_encode_list_header(&x, 1); /* [1 | tail] */
    ei_x_encode_long(&x, 1);
    ei_x_encode_atom(&x, "tail");
    ei_x_encode_binary(&x,
                       "a\xff"
                       "b",
                       3);
    ei_x_encode_double(&x, 2.5);
    ei_x_encode_map_header(&x, 3);
    ei_x_encode_long(&x, 7);
    ei_x_encode_atom(&x, "seven");
    ei_x_encode_atom(&x, "undefined");
    ei_x_encode_long(&x, 0);
    ei_x_encode_tuple_header(&x, 0);
    ei_x_encode_long(&x, 1);

    json_t *j = probe_term_to_json(x.buff, &i);
    ck_assert_ptr_nonnull(j);
    ck_assert_int_eq(i, x.index);
    json_t *l = json_array_get(j, 0);
    ck_assert_int_eq(json_array_size(l), 1);
    ck_assert_int_eq(json_integer_value(json_array_get(l, 0)), 1);
    ck_assert_str_eq(json_string_value(json_array_get(j, 1)), "a?b");
    ck_assert(json_is_real(json_array_get(j, 2)) && json_real_value(json_array_get(j, 2)) == 2.5);
    json_t *m = json_array_get(j, 3);
    ck_assert_str_eq(json_string_value(json_object_get(m, "7")), "seven");
    ck_assert_int_eq(json_integer_value(json_object_get(m, "undefined")), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(m, "?")), 1);
    json_decref(j);
    ei_x_free(&x);
}
END_TEST

Suite *probe_suite(void)
{
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("decode");
    tcase_add_test(tc, test_probe_decodes_snapshot_with_bignums);
    tcase_add_test(tc, test_probe_decodes_every_logger_mode);
    tcase_add_test(tc, test_probe_decodes_a_streamed_sample);
    tcase_add_test(tc, test_probe_rejects_a_reply_that_is_not_a_snapshot);
    tcase_add_test(tc, test_probe_decodes_hello_with_undefined_port);
    tcase_add_test(tc, test_probe_term_to_json_shapes);
    tcase_add_test(tc, test_probe_term_to_json_odd_shapes);
    suite_add_tcase(s, tc);
    return s;
}
