/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The counters (include/tern/tern_stats.h, lib/core/stats.c): the X-macro
 * list covers every field of struct tern_stats, and each counter has a
 * unique, well-formed name and description in struct order.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_common.h"

#include <tern/tern_stats.h>

#define DROP_PREFIX	"drop_"
#define DROP_DESC	"dropped:"

/* Entries in the X-macro list, counted independently of the struct. */
#define COUNT_ONE(name, desc) + 1
static const unsigned int nb_listed = 0 TERN_STATS_LIST(COUNT_ONE);
#undef COUNT_ONE

static bool
is_c_identifier(const char *s)
{
	if (s[0] != '_' && !isalpha((unsigned char)s[0]))
		return false;
	for (s++; *s != '\0'; s++)
		if (*s != '_' && !isalnum((unsigned char)*s))
			return false;
	return true;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Index of counter @name, or TERN_STATS_COUNT. */
static unsigned int
stat_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < TERN_STATS_COUNT; i++)
		if (strcmp(tern_stats_name(i), name) == 0)
			return i;
	return TERN_STATS_COUNT;
}

/* A value derived from a counter's name, different for different names. */
static uint64_t
name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
stats_list_covers_every_field(void **state)
{
	(void)state;
	assert_true(TERN_STATS_COUNT > 0);
	assert_int_equal(nb_listed, TERN_STATS_COUNT);
	assert_int_equal(TERN_STATS_COUNT * sizeof(uint64_t), sizeof(struct tern_stats));
}

static void
stats_name_and_desc_end_at_count(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		assert_non_null(tern_stats_name(i));
		assert_non_null(tern_stats_desc(i));
	}
	assert_null(tern_stats_name(TERN_STATS_COUNT));
	assert_null(tern_stats_desc(TERN_STATS_COUNT));
	assert_null(tern_stats_name(TERN_STATS_COUNT + 1000));
	assert_null(tern_stats_desc(UINT32_MAX));
}

static void
stats_names_are_c_identifiers(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		const char *n = tern_stats_name(i);

		if (!is_c_identifier(n))
			print_error("counter %u: name \"%s\" is not a C identifier\n", i, n);
		assert_true(is_c_identifier(n));
	}
}

static void
stats_names_and_descs_are_unique(void **state)
{
	unsigned int i, j;

	(void)state;
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		assert_true(strlen(tern_stats_desc(i)) > 0);
		for (j = i + 1; j < TERN_STATS_COUNT; j++) {
			if (strcmp(tern_stats_name(i), tern_stats_name(j)) == 0)
				print_error("counters %u and %u are both named %s\n", i, j,
					    tern_stats_name(i));
			assert_string_not_equal(tern_stats_name(i), tern_stats_name(j));
			if (strcmp(tern_stats_desc(i), tern_stats_desc(j)) == 0)
				print_error("counters %s and %s have the same description\n",
					    tern_stats_name(i), tern_stats_name(j));
			assert_string_not_equal(tern_stats_desc(i), tern_stats_desc(j));
		}
	}
}

static void
stats_drop_counters_say_dropped(void **state)
{
	unsigned int i, nb_drop = 0;

	(void)state;
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		const char *n = tern_stats_name(i), *d = tern_stats_desc(i);
		bool drop_name = starts_with(n, DROP_PREFIX);
		bool drop_desc = starts_with(d, DROP_DESC);

		if (drop_name != drop_desc)
			print_error("counter %s: \"%s\": drop_* names go with \"%s\" "
				    "descriptions, and only they\n", n, d, DROP_DESC);
		assert_true(drop_name == drop_desc);
		nb_drop += drop_name;
	}
	/* the core layer's own drop counters at least */
	assert_true(nb_drop >= 2);
	assert_true(stat_index("drop_tx_full") < TERN_STATS_COUNT);
	assert_true(stat_index("drop_nomem") < TERN_STATS_COUNT);
}

static void
stats_value_reads_the_named_field(void **state)
{
	struct tern_stats st;
	unsigned int i;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.drop_tx_full = 42;
	st.timers_fired = 7;
	i = stat_index("drop_tx_full");
	assert_true(i < TERN_STATS_COUNT);
	assert_int_equal(tern_stats_value(&st, i), 42);
	i = stat_index("timers_fired");
	assert_true(i < TERN_STATS_COUNT);
	assert_int_equal(tern_stats_value(&st, i), 7);
	i = stat_index("rx_pkts");
	assert_true(i < TERN_STATS_COUNT);
	assert_int_equal(tern_stats_value(&st, i), 0);
}

static void
stats_names_follow_struct_order(void **state)
{
	struct tern_stats st;
	unsigned int i;

	(void)state;
	/* Each field, set through the struct, holds a value its name gives. */
	memset(&st, 0, sizeof(st));
#define SET_FIELD(name, desc) st.name = name_hash(#name);
	TERN_STATS_LIST(SET_FIELD)
#undef SET_FIELD
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		if (tern_stats_value(&st, i) != name_hash(tern_stats_name(i)))
			print_error("counter %u: name %s does not match its field\n", i,
				    tern_stats_name(i));
		assert_int_equal(tern_stats_value(&st, i), name_hash(tern_stats_name(i)));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stats_list_covers_every_field),
		cmocka_unit_test(stats_name_and_desc_end_at_count),
		cmocka_unit_test(stats_names_are_c_identifiers),
		cmocka_unit_test(stats_names_and_descs_are_unique),
		cmocka_unit_test(stats_drop_counters_say_dropped),
		cmocka_unit_test(stats_value_reads_the_named_field),
		cmocka_unit_test(stats_names_follow_struct_order),
	};
	int ret;

	if (tern_test_eal_init("core_stats") != 0)
		return 1;
	ret = cmocka_run_group_tests_name("core_stats", tests, NULL, NULL);
	tern_test_eal_fini();
	return ret;
}
