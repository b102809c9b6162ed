/* units.h -- parse and format durations, sizes, rates and percentages. */
#ifndef LJ_UNITS_H
#define LJ_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Each parser accepts surrounding blanks, rejects anything else, overflow and negatives,
 * and returns 0 on success, -1 on error (out untouched). */

/* Durations: "250ms", "1.5s", "2m", "1h", "10us"; a bare number means seconds. */
int units_parse_duration(const char *s, uint64_t *out_us);

/* Sizes: "64KiB" "256MiB" "1GiB" (1024^n), "1kB" "1MB" "1GB" (1000^n), "B" or bare = bytes. */
int units_parse_size(const char *s, uint64_t *out_bytes);

/* Rates: "6000/s", "100/m", bare number = per second. Result in requests per second. */
int units_parse_rate(const char *s, double *out_per_s);

/* Percentages: "2%" -> 0.02. */
int units_parse_percent(const char *s, double *out_fraction);

/* Non-negative integers with no unit, up to max. */
int units_parse_uint(const char *s, uint64_t max, uint64_t *out);

/* Formatting into buf (always NUL-terminated); returns buf. Shortest exact unit where possible:
 * 250000 -> "250ms", 1500000 -> "1.5s"; sizes in IEC units: 268435456 -> "256MiB". */
char *units_format_duration(uint64_t us, char *buf, size_t len);
char *units_format_size(uint64_t bytes, char *buf, size_t len);
char *units_format_rate(double per_s, char *buf, size_t len);

/* Human-readable numbers for reports into buf (always NUL-terminated); return buf. NaN (no
 * value) is written as "-". */
/* A count with thousands separators, rounded: 104233 -> "104,233", -1500 -> "-1,500". */
char *units_format_count(double v, char *buf, size_t len);
/* Seconds, three significant digits in the largest fitting unit: 0.0000421 -> "42us",
 * 0.25 -> "250ms", 12.34 -> "12.3s". */
char *units_format_seconds(double s, char *buf, size_t len);
/* Bytes in IEC units, one decimal below 100 of a unit: 1536 -> "1.5KiB", 300 -> "300B",
 * 268435456 -> "256MiB", -2048 -> "-2.0KiB". */
char *units_format_bytes(double b, char *buf, size_t len);

#endif
