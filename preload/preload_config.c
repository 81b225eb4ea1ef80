/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#define _GNU_SOURCE	/* asprintf */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tern/tern_app.h>

#include "preload.h"

/*
 * The configuration and bring-up of libtern_preload.so: the common
 * bring-up of tern_app.h (tern_app_init_config()) reads TERN_CONFIG, an
 * INI file of its layout ([eal] args, [tern] addr / addr6 / gw, [port N],
 * [route], [neigh]) with a [preload] section of our own (kernel, any,
 * stats), and makes the EAL, the devices and the network. Without
 * TERN_CONFIG the same file is written from TERN_EAL, TERN_ADDR,
 * TERN_ADDR6 and TERN_GW. TERN_KERNEL, TERN_ANY and TERN_STATS override
 * the [preload] keys either way.
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

/* A key of the [preload] section (or its TERN_* variable). @return 0 or -errno. */
static int
set_value(struct pl_config *c, const char *key, const char *v)
{
	if (strcmp(key, "kernel") == 0) {
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

enum { O_KERNEL = 1, O_ANY, O_STATS };

static const struct tern_app_opt pl_opts[] = {
	{ .name = "kernel", .arg = "PREFIXES",
	  .help = "destinations left to the kernel (the loopback always is)",
	  .expect = "blank-separated IPv4 / IPv6 prefixes", .id = O_KERNEL },
	{ .name = "any", .arg = "tern|kernel", .help = "where a bind to the wildcard goes",
	  .expect = "tern or kernel", .id = O_ANY },
	{ .name = "stats", .arg = NULL, .help = "print the counters at exit", .id = O_STATS },
	{ .name = NULL },
};

static int
pl_parse(void *arg, int id, const char *val)
{
	static const char *const key[] = { [O_KERNEL] = "kernel", [O_ANY] = "any",
					   [O_STATS] = "stats" };

	return set_value(arg, key[id], val != NULL ? val : "1") == 0 ? 0 : TERN_APP_OPT_BAD;
}

/* Without TERN_CONFIG: the file written from the environment. @return its path or NULL. */
static char *
file_from_env(void)
{
	const char *eal = getenv("TERN_EAL"), *a4 = getenv("TERN_ADDR"),
		*a6 = getenv("TERN_ADDR6"), *gw = getenv("TERN_GW"), *dir = getenv("TMPDIR");
	char *path;
	FILE *f;
	int fd;

	if (eal == NULL || (a4 == NULL && a6 == NULL)) {
		fprintf(stderr, "tern-preload: no configuration: TERN_CONFIG=FILE, or TERN_EAL and "
			"TERN_ADDR (or TERN_ADDR6)\n");
		return NULL;
	}
	if (asprintf(&path, "%s/tern-preload-XXXXXX", dir != NULL ? dir : "/tmp") < 0)
		return NULL;
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		fprintf(stderr, "tern-preload: %s: %s\n", path, strerror(errno));
		free(path);
		return NULL;
	}
	fprintf(f, "[eal]\nargs = %s\n[tern]\n", eal);
	if (a4 != NULL)
		fprintf(f, "addr = %s\n", a4);
	if (a6 != NULL)
		fprintf(f, "addr6 = %s\n", a6);
	if (gw != NULL)
		fprintf(f, "gw = %s\n", gw);
	fclose(f);
	return path;
}

int
pl_bringup(struct pl_config *c, struct tern_net **net)
{
	static const char *const env[][2] = {
		{ "TERN_KERNEL", "kernel" }, { "TERN_ANY", "any" }, { "TERN_STATS", "stats" },
	};
	struct tern_app_param param = {
		.name = "tern-preload",
		.section = "preload",
		.opts = pl_opts,
		.parse = pl_parse,
		.arg = c,
		.flags = TERN_APP_F_NEED_ADDR | TERN_APP_F_ONE_PORT,
	};
	const char *path = getenv("TERN_CONFIG"), *v;
	const struct tern_app_port *p;
	struct tern_app_config *cfg;
	struct tern_app *app;
	char *tmp = NULL;
	unsigned int i;
	int status = 0;

	memset(c, 0, sizeof(*c));
	if (parse_kernel(c, "127.0.0.0/8 ::1/128") != 0)
		return -1;
	if (path == NULL) {
		tmp = file_from_env();
		if (tmp == NULL)
			return -1;
		path = tmp;
	}
	app = tern_app_init_config(path, &param, &status);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	if (app == NULL)
		return -1;
	for (i = 0; i < RTE_DIM(env); i++) {
		v = getenv(env[i][0]);
		if (v != NULL && set_value(c, env[i][1], v) != 0) {
			fprintf(stderr, "tern-preload: %s=%s: bad value\n", env[i][0], v);
			return -1;
		}
	}
	/* the addresses a bind names to come to tern: the port's first of each family */
	cfg = tern_app_config(app);
	p = &cfg->port[0];
	c->have4 = p->nb_addr4 > 0;
	if (c->have4) {
		c->addr4 = p->addr4[0];
		c->len4 = p->len4[0];
	}
	c->have6 = p->nb_addr6 > 0;
	if (c->have6) {
		c->addr6 = p->addr6[0];
		c->len6 = p->len6[0];
	}
	*net = tern_app_net(app);
	return 0;
}
