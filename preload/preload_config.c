/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>

#include "preload.h"

/*
 * The configuration of libtern_preload.so, from TERN_CONFIG (an INI file
 * read with rte_cfgfile, the layout of the common bring-up's files: [eal]
 * args, [tern] addr / addr6 / gw, plus a [preload] section) or, without
 * it, from TERN_EAL, TERN_ADDR, TERN_ADDR6, TERN_GW, TERN_KERNEL,
 * TERN_ANY and TERN_STATS. Everything of it is behind pl_config_load():
 * when tern_app.h's bring-up lands, that is the one function to change.
 */

static int
parse_prefix(const char *s, struct pl_prefix *p)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s", s);
	memset(p, 0, sizeof(*p));
	if (strchr(buf, ':') != NULL) {
		p->family = 6;
		if (tern_ip6_parse(buf, &p->ip6, &p->len) != 0)
			return -EINVAL;
		if (strchr(buf, '/') == NULL)
			p->len = 128;
	} else {
		p->family = 4;
		if (tern_ip4_parse(buf, &p->ip4, &p->len) != 0)
			return -EINVAL;
		if (strchr(buf, '/') == NULL)
			p->len = 32;
	}
	return 0;
}

/* A blank-separated list of prefixes: the addresses left to the kernel. */
static int
parse_kernel(struct pl_config *c, const char *list)
{
	char buf[1024], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	c->nb_kernel = 0;
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL; tok = strtok_r(NULL, " \t,", &save)) {
		if (c->nb_kernel == PL_MAX_KERNEL)
			return -E2BIG;
		if (parse_prefix(tok, &c->kernel[c->nb_kernel]) != 0) {
			fprintf(stderr, "tern-preload: kernel prefix %s: not an address\n", tok);
			return -EINVAL;
		}
		c->nb_kernel++;
	}
	return 0;
}

static int
set_value(struct pl_config *c, const char *key, const char *v)
{
	uint8_t len = 0;

	if (strcmp(key, "eal") == 0 || strcmp(key, "args") == 0) {
		snprintf(c->eal, sizeof(c->eal), "%s", v);
	} else if (strcmp(key, "addr") == 0) {
		if (tern_ip4_parse(v, &c->addr4, &len) != 0 || len == 0)
			return -EINVAL;
		c->len4 = len;
		c->have4 = true;
	} else if (strcmp(key, "addr6") == 0) {
		if (tern_ip6_parse(v, &c->addr6, &len) != 0 || len == 0)
			return -EINVAL;
		c->len6 = len;
		c->have6 = true;
	} else if (strcmp(key, "gw") == 0) {
		if (tern_ip4_parse(v, &c->gw4, NULL) != 0)
			return -EINVAL;
		c->have_gw4 = true;
	} else if (strcmp(key, "kernel") == 0) {
		return parse_kernel(c, v);
	} else if (strcmp(key, "any") == 0) {
		if (strcmp(v, "tern") == 0)
			c->any_kernel = false;
		else if (strcmp(v, "kernel") == 0)
			c->any_kernel = true;
		else
			return -EINVAL;
	} else if (strcmp(key, "stats") == 0) {
		c->stats = strcmp(v, "0") != 0 && strcmp(v, "no") != 0 && strcmp(v, "off") != 0;
	} else {
		return -ENOENT;
	}
	return 0;
}

static int
load_file(struct pl_config *c, const char *path)
{
	static const char *const sections[] = { "eal", "tern", "preload" };
	struct rte_cfgfile *f = rte_cfgfile_load(path, 0);
	unsigned int s;
	int i, n, e = 0;

	if (f == NULL) {
		fprintf(stderr, "tern-preload: TERN_CONFIG=%s: cannot read it\n", path);
		return -ENOENT;
	}
	for (s = 0; s < RTE_DIM(sections) && e == 0; s++) {
		struct rte_cfgfile_entry *ent;

		n = rte_cfgfile_section_num_entries(f, sections[s]);
		if (n <= 0)
			continue;
		ent = calloc((size_t)n, sizeof(*ent));
		if (ent == NULL) {
			e = -ENOMEM;
			break;
		}
		n = rte_cfgfile_section_entries(f, sections[s], ent, n);
		for (i = 0; i < n && e == 0; i++) {
			/* [eal]: args = ..., or key = value taken as --key value */
			if (s == 0 && strcmp(ent[i].name, "args") != 0) {
				size_t l = strlen(c->eal);

				snprintf(c->eal + l, sizeof(c->eal) - l, " --%s %s", ent[i].name,
					 ent[i].value);
				continue;
			}
			if (s == 0) {
				size_t l = strlen(c->eal);

				snprintf(c->eal + l, sizeof(c->eal) - l, " %s", ent[i].value);
				continue;
			}
			e = set_value(c, ent[i].name, ent[i].value);
			if (e != 0)
				fprintf(stderr, "tern-preload: %s: [%s] %s = %s: %s\n", path,
					sections[s], ent[i].name, ent[i].value,
					e == -ENOENT ? "unknown key" : "bad value");
		}
		free(ent);
	}
	rte_cfgfile_close(f);
	return e;
}

int
pl_config_load(struct pl_config *c)
{
	static const char *const env[][2] = {
		{ "TERN_EAL", "eal" }, { "TERN_ADDR", "addr" }, { "TERN_ADDR6", "addr6" },
		{ "TERN_GW", "gw" }, { "TERN_KERNEL", "kernel" }, { "TERN_ANY", "any" },
		{ "TERN_STATS", "stats" },
	};
	const char *path = getenv("TERN_CONFIG"), *v;
	unsigned int i;
	int e;

	memset(c, 0, sizeof(*c));
	e = parse_kernel(c, "127.0.0.0/8 ::1/128");
	if (e == 0 && path != NULL)
		e = load_file(c, path);
	/* the environment overrides the file */
	for (i = 0; i < RTE_DIM(env) && e == 0; i++) {
		v = getenv(env[i][0]);
		if (v == NULL)
			continue;
		e = set_value(c, env[i][1], v);
		if (e != 0)
			fprintf(stderr, "tern-preload: %s=%s: bad value\n", env[i][0], v);
	}
	if (e != 0)
		return e;
	if (c->eal[0] == '\0') {
		fprintf(stderr, "tern-preload: no EAL arguments (TERN_CONFIG [eal] args, or "
			"TERN_EAL)\n");
		return -EINVAL;
	}
	if (!c->have4 && !c->have6) {
		fprintf(stderr, "tern-preload: no address (TERN_CONFIG [tern] addr, or "
			"TERN_ADDR)\n");
		return -EINVAL;
	}
	return 0;
}
