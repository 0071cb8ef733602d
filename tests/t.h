/*
 * The unit-test harness: a check macro and a report (Redis' testhelp.h).
 *
 * A test file defines its cases with TEST(name) { ... CHECK(cond); ... } and
 * ends with T_MAIN. Every CHECK counts as one assertion: a failing one prints
 * its file, line and expression and the case goes on. The run closes with the
 * line "N passed, N failed" (cases, not checks) and exits 1 on any failure.
 * No fork, no framework: ASan and gdb see plain code.
 */
#ifndef VG_T_H
#define VG_T_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*t_fn)(void);
struct t_case {
    const char *name;
    t_fn fn;
};

extern struct t_case t_cases[512];
extern int t_n_cases;
extern int t_case_failed;

#define TEST(tname)                                                                                \
    static void tname(void);                                                                       \
    __attribute__((constructor)) static void t_register_##tname(void)                              \
    {                                                                                              \
        t_cases[t_n_cases].name = #tname;                                                          \
        t_cases[t_n_cases++].fn = tname;                                                           \
    }                                                                                              \
    static void tname(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("  FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                               \
            t_case_failed = 1;                                                                     \
        }                                                                                          \
    } while (0)

#define CHECK_INT_EQ(a, b)                                                                         \
    do {                                                                                           \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                                    \
        if (t_a_ != t_b_) {                                                                        \
            printf("  FAIL %s:%d: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, #a, #b, t_a_,    \
                   t_b_);                                                                          \
            t_case_failed = 1;                                                                     \
        }                                                                                          \
    } while (0)

#define CHECK_STR_EQ(a, b)                                                                         \
    do {                                                                                           \
        const char *t_a_ = (a), *t_b_ = (b);                                                       \
        if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                                           \
            printf("  FAIL %s:%d: %s == %s (\"%s\" != \"%s\")\n", __FILE__, __LINE__, #a, #b,      \
                   t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");                                \
            t_case_failed = 1;                                                                     \
        }                                                                                          \
    } while (0)

/* Defines the shared state and main(): runs every case, prints the closing line. */
#define T_MAIN                                                                                     \
    struct t_case t_cases[512];                                                                    \
    int t_n_cases;                                                                                 \
    int t_case_failed;                                                                             \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        int passed = 0, failed = 0;                                                                \
        for (int i = 0; i < t_n_cases; i++) {                                                      \
            if (argc > 1 && !strstr(t_cases[i].name, argv[1]))                                     \
                continue;                                                                          \
            t_case_failed = 0;                                                                     \
            t_cases[i].fn();                                                                       \
            printf("%s %s\n", t_case_failed ? "not ok" : "ok", t_cases[i].name);                   \
            if (t_case_failed)                                                                     \
                failed++;                                                                          \
            else                                                                                   \
                passed++;                                                                          \
        }                                                                                          \
        printf("%d passed, %d failed\n", passed, failed);                                          \
        return failed ? 1 : 0;                                                                     \
    }

#endif
