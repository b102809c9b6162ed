/* units.c -- parse and format durations, sizes, rates and percentages, strictly. */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

#define FRAC_DIGITS_MAX 18

struct unit {
    const char *name;
    uint64_t mult; /* in base units */
};

static const struct unit duration_units[] = {
    {"h", 3600000000ull}, {"m", 60000000ull}, {"s", 1000000ull},
    {"ms", 1000ull},      {"us", 1ull},       {NULL, 0},
};

/* Largest first: the formatter takes the first unit that renders exactly. */
static const struct unit size_units[] = {
    {"TiB", 1ull << 40}, {"TB", 1000000000000ull},
    {"GiB", 1ull << 30}, {"GB", 1000000000ull},
    {"MiB", 1ull << 20}, {"MB", 1000000ull},
    {"KiB", 1ull << 10}, {"kB", 1000ull},
    {"B", 1ull},         {NULL, 0},
};

/* A decimal number "digits[.digits]" as mant / 10^scale. */
struct decimal {
    u128 mant;
    unsigned scale;
};

/* Scan blanks, a decimal number, blanks; *end points past them. -1 on no digits, a sign,
 * an exponent (caught later as a bad unit), too many fraction digits or overflow. */
static int scan_decimal(const char *s, struct decimal *d, const char **end)
{
    const char *p = s;
    u128 mant = 0;
    unsigned scale = 0, digits = 0;
    const u128 limit = ((u128)1 << 120);

    while (*p == ' ' || *p == '\t')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1; /* ".5s", "-1", "+1" */
    for (; isdigit((unsigned char)*p); p++, digits++) {
        if (mant >= limit)
            return -1;
        mant = mant * 10 + (unsigned)(*p - '0');
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        for (; isdigit((unsigned char)*p); p++, digits++) {
            if (scale >= FRAC_DIGITS_MAX || mant >= limit)
                return -1;
            mant = mant * 10 + (unsigned)(*p - '0');
            scale++;
        }
    }
    if (digits == 0)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    d->mant = mant;
    d->scale = scale;
    *end = p;
    return 0;
}

static u128 pow10_u128(unsigned n)
{
    u128 r = 1;
    while (n--)
        r *= 10;
    return r;
}

/* Does [p, end-of-string) hold exactly `name` followed by blanks only? */
static int is_unit(const char *p, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(p, name, n) != 0)
        return 0;
    for (p += n; *p; p++)
        if (*p != ' ' && *p != '\t')
            return 0;
    return 1;
}

/* d * mult, rounded half up to an integer; -1 past UINT64_MAX. */
static int scale_to_u64(const struct decimal *d, uint64_t mult, uint64_t *out)
{
    u128 div = pow10_u128(d->scale);
    if (d->mant != 0 && (u128)mult > (~(u128)0) / d->mant)
        return -1;
    u128 v = (d->mant * mult + div / 2) / div;
    if (v > UINT64_MAX)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_with_units(const char *s, const struct unit *units, uint64_t bare, uint64_t *out)
{
    struct decimal d;
    const char *p;
    uint64_t v;
    if (!s || scan_decimal(s, &d, &p) != 0)
        return -1;
    if (*p == '\0')
        return scale_to_u64(&d, bare, out);
    for (const struct unit *u = units; u->name; u++) {
        if (is_unit(p, u->name)) {
            if (scale_to_u64(&d, u->mult, &v) != 0)
                return -1;
            *out = v;
            return 0;
        }
    }
    return -1;
}

int units_parse_duration(const char *s, uint64_t *out_us)
{
    return parse_with_units(s, duration_units, 1000000ull, out_us);
}

int units_parse_size(const char *s, uint64_t *out_bytes)
{
    return parse_with_units(s, size_units, 1ull, out_bytes);
}

static double decimal_to_double(const struct decimal *d)
{
    return (double)d->mant / (double)pow10_u128(d->scale);
}

int units_parse_rate(const char *s, double *out_per_s)
{
    struct decimal d;
    const char *p;
    double v;
    if (!s || scan_decimal(s, &d, &p) != 0)
        return -1;
    v = decimal_to_double(&d);
    if (*p == '\0' || is_unit(p, "/s"))
        ;
    else if (is_unit(p, "/m"))
        v /= 60.0;
    else if (is_unit(p, "/h"))
        v /= 3600.0;
    else
        return -1;
    if (!isfinite(v))
        return -1;
    *out_per_s = v;
    return 0;
}

int units_parse_percent(const char *s, double *out_fraction)
{
    struct decimal d;
    const char *p;
    double v;
    if (!s || scan_decimal(s, &d, &p) != 0 || !is_unit(p, "%"))
        return -1;
    v = decimal_to_double(&d);
    if (!(v <= 100.0))
        return -1;
    *out_fraction = v / 100.0;
    return 0;
}

int units_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    const char *p = s;
    uint64_t v = 0;
    if (!s)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned dgt = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - dgt) / 10)
            return -1;
        v = v * 10 + dgt;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* v in the largest unit (units sorted largest first) that renders it exactly with at most 3
 * decimals and at least 1 whole unit: 1500000us -> "1.5s", 250000us -> "250ms". */
static char *format_with_units(uint64_t v, const struct unit *units, const char *zero, char *buf,
                               size_t len)
{
    if (!buf || len == 0)
        return buf;
    if (v == 0) {
        snprintf(buf, len, "%s", zero);
        return buf;
    }
    for (const struct unit *u = units; u->name; u++) {
        uint64_t whole = v / u->mult, rem = v % u->mult;
        if (whole == 0)
            continue;
        for (unsigned decimals = 0; decimals <= 3; decimals++) {
            u128 scaled = (u128)rem * pow10_u128(decimals);
            if (scaled % u->mult != 0)
                continue;
            if (decimals == 0)
                snprintf(buf, len, "%llu%s", (unsigned long long)whole, u->name);
            else
                snprintf(buf, len, "%llu.%0*llu%s", (unsigned long long)whole, (int)decimals,
                         (unsigned long long)(scaled / u->mult), u->name);
            return buf;
        }
    }
    buf[0] = '\0'; /* not reached: the last unit is 1 */
    return buf;
}

char *units_format_duration(uint64_t us, char *buf, size_t len)
{
    return format_with_units(us, duration_units, "0s", buf, len);
}

char *units_format_size(uint64_t bytes, char *buf, size_t len)
{
    return format_with_units(bytes, size_units, "0B", buf, len);
}

/* "6000/s"; a rate that is a whole number per minute but not per second: "30/m"; else the
 * shortest fixed-point rendering that reads back exactly. */
char *units_format_rate(double per_s, char *buf, size_t len)
{
    double per_m = per_s * 60.0, back;
    char tmp[64];
    if (!buf || len == 0)
        return buf;
    if (!isfinite(per_s) || per_s < 0) {
        snprintf(buf, len, "%g/s", per_s);
        return buf;
    }
    if (per_s == floor(per_s)) {
        snprintf(buf, len, "%.0f/s", per_s);
        return buf;
    }
    if (per_m == floor(per_m) && per_m / 60.0 == per_s) {
        snprintf(buf, len, "%.0f/m", per_m);
        return buf;
    }
    for (int prec = 1; prec <= FRAC_DIGITS_MAX; prec++) {
        snprintf(tmp, sizeof tmp, "%.*f", prec, per_s);
        if (units_parse_rate(tmp, &back) == 0 && back == per_s)
            break;
    }
    char *e = tmp + strlen(tmp) - 1; /* trim trailing zeros */
    while (e > tmp && *e == '0')
        *e-- = '\0';
    if (*e == '.')
        *e = '\0';
    snprintf(buf, len, "%s/s", tmp);
    return buf;
}

char *units_format_count(double v, char *buf, size_t len)
{
    char raw[32];
    size_t o = 0;
    if (len == 0)
        return buf;
    if (isnan(v)) {
        snprintf(buf, len, "-");
        return buf;
    }
    long long x = llround(v);
    snprintf(raw, sizeof raw, "%lld", x < 0 ? -x : x);
    size_t n = strlen(raw);
    if (x < 0 && o + 1 < len)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        buf[o++] = raw[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n)
            buf[o++] = ',';
    }
    buf[o] = '\0';
    return buf;
}

char *units_format_seconds(double s, char *buf, size_t len)
{
    if (isnan(s))
        snprintf(buf, len, "-");
    else if (s < 0.001)
        snprintf(buf, len, "%.0fus", s * 1e6);
    else if (s < 1)
        snprintf(buf, len, "%.3gms", s * 1e3);
    else
        snprintf(buf, len, "%.3gs", s);
    return buf;
}

char *units_format_bytes(double b, char *buf, size_t len)
{
    static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double v = fabs(b);
    if (isnan(b)) {
        snprintf(buf, len, "-");
        return buf;
    }
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, "%s%.*f%s", b < 0 ? "-" : "", u == 0 || v >= 100 ? 0 : 1, v, unit[u]);
    return buf;
}
