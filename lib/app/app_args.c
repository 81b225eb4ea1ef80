/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The common bring-up's options: the command line after the EAL's "--" and
 * the --config file (rte_cfgfile). Both feed the same handlers: common_opt()
 * for tern's options, param.parse for the application's. No EAL is needed
 * here (the unit tests call these alone).
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>
#include <rte_ether.h>

#include "app_priv.h"

enum {
	C_CONFIG, C_PORT, C_ADDR, C_ADDR6, C_GW, C_GW6, C_ROUTE, C_NEIGH, C_LCORES,
	C_DURATION, C_NO_OFFLOAD, C_RSS_SYMMETRIC, C_PCAP, C_SNAPLEN, C_PDUMP, C_PORT_STATS, C_HELP, C_NB
};

/* tern's own options: their names, help, and (in the file) keys of [tern]. */
static const struct tern_app_opt common_opts[C_NB + 1] = {
	{ "config", "FILE", "read options from an INI file: [eal], [tern], [port N],\n"
	  "[route], [neigh] and the program's own section (see\n"
	  "docs/operations.md); the command line overrides it", "a readable file", C_CONFIG },
	{ "port", "N[,addr=A/LEN][,addr6=A6/LEN][,mtu=M][,vlan=V]",
	  "use ethdev port N (an EAL --vdev or PCI device), with\n"
	  "these addresses (addr and addr6 may each be repeated);\n"
	  "repeat --port for each port (default: port 0)",
	  "N[,addr=A.B.C.D/LEN][,addr6=ADDR/LEN][,mtu=576..9000][,vlan=1..4094]", C_PORT },
	{ "addr", "A.B.C.D/LEN", "IPv4 address and prefix length of the first port",
	  "A.B.C.D/LEN", C_ADDR },
	{ "addr6", "ADDR/LEN", "IPv6 address and prefix length of the first port",
	  "ADDR/LEN", C_ADDR6 },
	{ "gw", "A.B.C.D", "IPv4 default gateway", "A.B.C.D", C_GW },
	{ "gw6", "ADDR", "IPv6 default gateway", "an IPv6 address", C_GW6 },
	{ "route", "PREFIX/LEN,via=GW[,port=N]",
	  "a route, IPv4 or IPv6 (0.0.0.0/0, ::/0: default), to\n"
	  "gateway GW (its port found from the port subnets, or\n"
	  "port=N), or PREFIX/LEN,port=N: on-link out of port N.\n"
	  "Each port's own subnets need no --route; repeatable",
	  "PREFIX/LEN,via=GW[,port=N] or PREFIX/LEN,port=N", C_ROUTE },
	{ "neigh", "IP,MAC[,port=N]",
	  "a permanent neighbor (IPv4 or IPv6; no ARP/ND for it, e.g.\n"
	  "a peer that answers none); its port is found from the\n"
	  "routes, or port=N; repeatable", "IP,MAC[,port=N] (a unicast MAC)", C_NEIGH },
	{ "lcores", "N", "worker contexts, one per EAL worker lcore, each on its\n"
	  "own queue of every port (default 1; N > 1 needs N worker\n"
	  "lcores, e.g. EAL -l 0-N). With no worker lcore the main\n"
	  "lcore runs the one context", "a number of lcores, 1 or more", C_LCORES },
	{ "duration", "SEC", "exit after SEC seconds (default 0: run until a signal)",
	  "seconds", C_DURATION },
	{ "no-offload", NULL, "use no device offload (software checksums)", "", C_NO_OFFLOAD },
	{ "rss-symmetric", NULL, "with several lcores: hash flows to contexts with a\n"
	  "symmetric key, so both directions of a flow reach one\n"
	  "context (set on the device, else used by tern's software\n"
	  "dispatcher)", "", C_RSS_SYMMETRIC },
	{ "pcap", "FILE", "capture every frame read from and queued for the ports\n"
	  "to FILE (pcapng, for tshark/Wireshark), checksums as on\n"
	  "the wire; the count is printed at exit", "a file name", C_PCAP },
	{ "snaplen", "N", "with --pcap: keep N bytes of each frame (64..65535,\n"
	  "default all)", "bytes, 64..65535", C_SNAPLEN },
	{ "pdump", NULL, "rte_pdump_init(): let dpdk-dumpcap (a DPDK secondary\n"
	  "process) capture the ports; needs hugepages (see\n"
	  "docs/operations.md)", "", C_PDUMP },
	{ "port-stats", NULL, "print each port's own counters at exit", "", C_PORT_STATS },
	{ "help", NULL, "this text", "", C_HELP },
	{ NULL, NULL, NULL, NULL, 0 },
};

static const char *
app_name(const struct tern_app *app)
{
	return app->param.name != NULL ? app->param.name : "tern";
}

static const char *
app_section(const struct tern_app *app)
{
	return app->param.section != NULL ? app->param.section : app_name(app);
}

/* "NAME: invalid value 'V' for WHERE: expected E (see --help)". @return -1. */
static int
bad(const struct tern_app *app, const char *where, const char *val, const char *expect)
{
	fprintf(stderr, "%s: invalid value '%s' for %s: expected %s (see --help)\n",
		app_name(app), val != NULL ? val : "", where, expect);
	return -1;
}

static int
fail(const struct tern_app *app, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(const struct tern_app *app, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", app_name(app));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -1;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || *v > max ? -1 : 0;
}

static int
parse_double(const char *s, double *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return errno != 0 || *end != '\0' || !(*v >= 0) || *v > 1e9 ? -1 : 0;
}

/* A flag's value in the file: 1 (on), 0 (off) or -1 (neither). */
static int
parse_bool(const char *s)
{
	static const char *const on[] = { "", "1", "yes", "true", "on" };
	static const char *const off[] = { "0", "no", "false", "off" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(on); i++)
		if (strcasecmp(s, on[i]) == 0)
			return 1;
	for (i = 0; i < RTE_DIM(off); i++)
		if (strcasecmp(s, off[i]) == 0)
			return 0;
	return -1;
}

/* IPv4 or IPv6 host address (no prefix): @family 4 or 6. */
static int
parse_ip(const char *s, uint8_t *family, tern_ip4_t *a4, struct tern_ip6 *a6)
{
	if (strchr(s, '/') != NULL)
		return -1;
	if (tern_ip4_parse(s, a4, NULL) == 0) {
		*family = 4;
		return 0;
	}
	if (tern_ip6_parse(s, a6, NULL) == 0) {
		*family = 6;
		return 0;
	}
	return -1;
}

/* Split "a,k=v,k=v" in place. @return fields, or max + 1 if too many. */
static unsigned int
split(char *s, char **fields, unsigned int max)
{
	unsigned int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, ",", &save); t != NULL && n < max; t = strtok_r(NULL, ",", &save))
		fields[n++] = t;
	return t == NULL ? n : max + 1;
}

/* An address with a mandatory, non-zero prefix length. */
static int
prefix4(const char *s, tern_ip4_t *a, uint8_t *len)
{
	return strchr(s, '/') == NULL || tern_ip4_parse(s, a, len) != 0 || *len == 0 ? -1 : 0;
}

static int
prefix6(const char *s, struct tern_ip6 *a, uint8_t *len)
{
	return strchr(s, '/') == NULL || tern_ip6_parse(s, a, len) != 0 || *len == 0 ? -1 : 0;
}

static int
port_add_addr4(struct tern_app_port *p, const char *s)
{
	if (p->nb_addr4 == TERN_MAX_ADDR4 || prefix4(s, &p->addr4[p->nb_addr4],
						      &p->len4[p->nb_addr4]) != 0)
		return -1;
	p->nb_addr4++;
	return 0;
}

static int
port_add_addr6(struct tern_app_port *p, const char *s)
{
	if (p->nb_addr6 == TERN_MAX_ADDR6 - 1 || prefix6(s, &p->addr6[p->nb_addr6],
							  &p->len6[p->nb_addr6]) != 0)
		return -1;
	p->nb_addr6++;
	return 0;
}

/* One "key=value" of a port (--port's fields, [port N]'s entries). */
static int
port_field(struct tern_app_port *p, const char *key, const char *val)
{
	unsigned long v;

	if (strcmp(key, "addr") == 0)
		return port_add_addr4(p, val);
	if (strcmp(key, "addr6") == 0)
		return port_add_addr6(p, val);
	if (strcmp(key, "mtu") == 0) {
		if (parse_uint(val, 9000, &v) != 0 || v < 576)
			return -1;
		p->mtu = (uint16_t)v;
		return 0;
	}
	if (strcmp(key, "vlan") == 0) {
		if (parse_uint(val, 4094, &v) != 0 || v == 0)
			return -1;
		p->vlan = (uint16_t)v;
		return 0;
	}
	return -1;
}

/*
 * The slot of ethdev port @id: the one it has, replaced when the command
 * line names a port the file gave, or a new one. @return NULL after a message.
 */
static struct tern_app_port *
port_slot(struct tern_app *app, unsigned long id, const char *where)
{
	struct tern_app_config *c = &app->cfg;
	unsigned int i;

	for (i = 0; i < c->nb_ports; i++) {
		if (c->port[i].port_id != id)
			continue;
		if (app->src == APP_SRC_FILE || app->cl_port[i]) {
			fail(app, "%s: port %lu given twice", where, id);
			return NULL;
		}
		break;
	}
	if (i == c->nb_ports) {
		if (c->nb_ports == TERN_MAX_PORTS) {
			fail(app, "%s: at most %u ports", where, TERN_MAX_PORTS);
			return NULL;
		}
		c->nb_ports++;
	}
	memset(&c->port[i], 0, sizeof(c->port[i]));
	c->port[i].port_id = (uint16_t)id;
	app->cl_port[i] = app->src == APP_SRC_CMDLINE;
	return &c->port[i];
}

/* --port N[,addr=A/LEN][,addr6=A6/LEN][,mtu=M][,vlan=V] */
static int
parse_port(struct tern_app *app, const char *arg, const char *where, const char *expect)
{
	char buf[512], *f[16], *eq;
	struct tern_app_port *p;
	unsigned long v;
	unsigned int n, i;

	if (strlen(arg) >= sizeof(buf))
		return bad(app, where, arg, expect);
	strcpy(buf, arg);
	n = split(buf, f, RTE_DIM(f));
	if (n == 0 || n > RTE_DIM(f) || parse_uint(f[0], UINT16_MAX - 1, &v) != 0)
		return bad(app, where, arg, expect);
	p = port_slot(app, v, where);
	if (p == NULL)
		return -1;
	for (i = 1; i < n; i++) {
		eq = strchr(f[i], '=');
		if (eq == NULL)
			return bad(app, where, arg, expect);
		*eq = '\0';
		if (port_field(p, f[i], eq + 1) != 0) {
			*eq = '=';
			return bad(app, where, arg, expect);
		}
	}
	return 0;
}

/* --route PREFIX/LEN,via=GW[,port=N] or PREFIX/LEN,port=N (dev=N: tern-l3fwd's name) */
static int
parse_route(struct tern_app *app, const char *arg, struct tern_app_route *r)
{
	char buf[256], *f[4];
	unsigned int n, i;
	unsigned long v;
	uint8_t fam;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	n = split(buf, f, RTE_DIM(f));
	memset(r, 0, sizeof(*r));
	r->port = -1;
	snprintf(r->text, sizeof(r->text), "%s", arg);
	if (n < 2 || n > 3 || strchr(f[0], '/') == NULL)
		return -1;
	if (tern_ip4_parse(f[0], &r->pfx4, &r->len) == 0)
		r->family = 4;
	else if (tern_ip6_parse(f[0], &r->pfx6, &r->len) == 0)
		r->family = 6;
	else
		return -1;
	for (i = 1; i < n; i++) {
		if (strncmp(f[i], "via=", 4) == 0 && !r->have_via) {
			if (parse_ip(f[i] + 4, &fam, &r->via4, &r->via6) != 0 || fam != r->family)
				return -1;
			r->have_via = true;
		} else if ((strncmp(f[i], "port=", 5) == 0 || strncmp(f[i], "dev=", 4) == 0) &&
			   r->port < 0) {
			if (parse_uint(strchr(f[i], '=') + 1, UINT16_MAX - 1, &v) != 0)
				return -1;
			r->port = (int)v;
		} else {
			return -1;
		}
	}
	(void)app;
	return r->have_via || r->port >= 0 ? 0 : -1;
}

/* --neigh IP,MAC[,port=N] (dev=N: tern-l3fwd's name) */
static int
parse_neigh(const char *arg, struct tern_app_neigh *nb)
{
	char buf[256], *f[3];
	unsigned long v;
	unsigned int n = 0;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	n = split(buf, f, RTE_DIM(f));
	memset(nb, 0, sizeof(*nb));
	nb->port = -1;
	snprintf(nb->text, sizeof(nb->text), "%s", arg);
	if (n < 2 || n > 3 || parse_ip(f[0], &nb->family, &nb->ip4, &nb->ip6) != 0 ||
	    rte_ether_unformat_addr(f[1], &nb->mac) != 0 ||
	    !rte_is_unicast_ether_addr(&nb->mac) || rte_is_zero_ether_addr(&nb->mac) ||
	    (nb->family == 4 && nb->ip4 == 0))
		return -1;
	if (n == 3) {
		if (strncmp(f[2], "port=", 5) != 0 && strncmp(f[2], "dev=", 4) != 0)
			return -1;
		if (parse_uint(strchr(f[2], '=') + 1, UINT16_MAX - 1, &v) != 0)
			return -1;
		nb->port = (int)v;
	}
	return 0;
}

static char *
dup_str(const struct tern_app *app, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		fail(app, "out of memory");
	return d;
}

/*
 * Where the next entry of a list option (--addr, --route, ...) goes, in
 * *@slot: @nb now, or 0 at the command line's first use, which replaces
 * what the file gave. -1 (said) when the list holds @max already.
 */
static int
list_slot(struct tern_app *app, bool *cl, unsigned int *slot, unsigned int nb, unsigned int max,
	  const char *where, const char *what)
{
	if (app->src == APP_SRC_CMDLINE && !*cl) {
		*cl = true;
		nb = 0;
	}
	if (nb >= max)
		return fail(app, "%s: at most %u %s", where, max, what);
	*slot = nb;
	return 0;
}

/* One of tern's options, from the command line (flag: @val NULL) or the file. */
static int
common_opt(struct tern_app *app, int id, const char *val, const char *where)
{
	struct tern_app_config *c = &app->cfg;
	const char *expect = common_opts[id].expect;
	unsigned long v;
	unsigned int n = 0;
	uint8_t fam;

	switch (id) {
	case C_CONFIG:
		if (app->src == APP_SRC_FILE)
			return fail(app, "%s: a file cannot name another", where);
		if (*val == '\0')
			return bad(app, where, val, expect);
		if (app->cl_config)
			return fail(app, "--config given twice");
		app->cl_config = true;
		/* tern_app_init() loads it before the EAL starts; else now */
		return app->file == NULL ? app_parse_file(app, val) : 0;
	case C_PORT:
		return parse_port(app, val, where, expect);
	case C_ADDR:
	case C_ADDR6: {
		bool v4 = id == C_ADDR;

		if (list_slot(app, v4 ? &app->cl_addr4 : &app->cl_addr6, &n,
			      v4 ? app->nb_addr4 : app->nb_addr6,
			      v4 ? TERN_MAX_ADDR4 : TERN_MAX_ADDR6 - 1, where, "addresses") != 0)
			return -1;
		if (v4 ? prefix4(val, &app->addr4[n], &app->len4[n]) != 0 :
			 prefix6(val, &app->addr6[n], &app->len6[n]) != 0)
			return bad(app, where, val, expect);
		if (v4)
			app->nb_addr4 = (uint8_t)(n + 1);
		else
			app->nb_addr6 = (uint8_t)(n + 1);
		return 0;
	}
	case C_GW:
	case C_GW6:
		if (parse_ip(val, &fam, &c->gw4, &c->gw6) != 0 || fam != (id == C_GW ? 4 : 6))
			return bad(app, where, val, expect);
		if (fam == 4)
			c->have_gw4 = true;
		else
			c->have_gw6 = true;
		return 0;
	case C_ROUTE:
		if (list_slot(app, &app->cl_routes, &c->nb_routes, c->nb_routes,
			      TERN_APP_MAX_ROUTES, where, "routes") != 0)
			return -1;
		if (parse_route(app, val, &c->route[c->nb_routes]) != 0)
			return bad(app, where, val, expect);
		c->nb_routes++;
		return 0;
	case C_NEIGH:
		if (list_slot(app, &app->cl_neigh, &c->nb_neigh, c->nb_neigh, TERN_APP_MAX_NEIGH,
			      where, "neighbors") != 0)
			return -1;
		if (parse_neigh(val, &c->neigh[c->nb_neigh]) != 0)
			return bad(app, where, val, expect);
		c->nb_neigh++;
		return 0;
	case C_LCORES:
		if (parse_uint(val, RTE_MAX_LCORE - 1, &v) != 0 || v == 0)
			return bad(app, where, val, expect);
		c->lcores = (unsigned int)v;
		return 0;
	case C_DURATION:
		return parse_double(val, &c->duration) != 0 ? bad(app, where, val, expect) : 0;
	case C_NO_OFFLOAD:
		c->dev.no_offload = true;
		return 0;
	case C_RSS_SYMMETRIC:
		c->dev.rss_symmetric = true;
		return 0;
	case C_PCAP:
		if (*val == '\0')
			return bad(app, where, val, expect);
		free(c->pcap);
		c->pcap = dup_str(app, val);
		return c->pcap == NULL ? -1 : 0;
	case C_SNAPLEN:
		if (parse_uint(val, UINT16_MAX, &v) != 0 || v < 64)
			return bad(app, where, val, expect);
		c->snaplen = (uint32_t)v;
		return 0;
	case C_PDUMP:
		c->pdump = true;
		return 0;
	case C_PORT_STATS:
		c->port_stats = true;
		return 0;
	case C_HELP:
		app->help = true;
		return 0;
	}
	return fail(app, "%s: unknown option", where);
}

/* One of the application's options. */
static int
app_opt(struct tern_app *app, const struct tern_app_opt *o, const char *val, const char *where)
{
	int ret = app->param.parse(app->param.arg, o->id, val);

	if (ret == 0)
		return 0;
	if (ret == TERN_APP_OPT_FAIL)
		return -1;
	return bad(app, where, val, o->expect != NULL ? o->expect : "a valid value");
}

static unsigned int
nb_app_opts(const struct tern_app *app)
{
	unsigned int n = 0;

	while (app->param.opts != NULL && app->param.opts[n].name != NULL)
		n++;
	return n;
}

struct tern_app *
app_new(const struct tern_app_param *param)
{
	static const struct tern_app_param none = { .name = "tern" };
	struct tern_app *app = calloc(1, sizeof(*app));

	if (app == NULL)
		return NULL;
	app->param = param != NULL ? *param : none;
	app->cfg.lcores = 1;
	app->src = APP_SRC_CMDLINE;
	return app;
}

void
app_free(struct tern_app *app)
{
	unsigned int i;

	if (app == NULL)
		return;
	if (app->file != NULL)
		rte_cfgfile_close(app->file);
	for (i = 0; i < app->nb_owned; i++)
		free(app->owned[i]);
	free(app->cfg.pcap);
	free(app->cfg.config_path);
	free(app);
}

int
app_parse_argv(struct tern_app *app, int argc, char **argv)
{
	unsigned int na = nb_app_opts(app), i;
	struct option *lo;
	char where[80];
	int c, ret = 0;

	if (na > 0 && app->param.parse == NULL)
		return fail(app, "options without a parse callback");
	lo = calloc(C_NB + na + 1, sizeof(*lo));
	if (lo == NULL)
		return fail(app, "out of memory");
	/* tern's own first: an application option of the same name is shadowed */
	for (i = 0; i < C_NB; i++) {
		lo[i].name = common_opts[i].name;
		lo[i].has_arg = common_opts[i].arg != NULL ? required_argument : no_argument;
		lo[i].val = 256 + (int)i;
	}
	for (i = 0; i < na; i++) {
		lo[C_NB + i].name = app->param.opts[i].name;
		lo[C_NB + i].has_arg = app->param.opts[i].arg != NULL ? required_argument :
			no_argument;
		lo[C_NB + i].val = 256 + C_NB + (int)i;
	}
	app->src = APP_SRC_CMDLINE;
	optind = 1;
	opterr = 0;
	while (ret == 0 && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		if (c == 'h') {
			app->help = true;
			continue;
		}
		if (c == '?' || c == ':') {
			const char *a = argv[optind - 1] != NULL ? argv[optind - 1] : "?";

			if (c == ':')
				ret = fail(app, "option '%s' needs a value (see --help)", a);
			else
				ret = fail(app, "unknown option '%s' (see --help)", a);
			break;
		}
		c -= 256;
		snprintf(where, sizeof(where), "--%s", lo[c].name);
		if (c < C_NB)
			ret = common_opt(app, c, optarg, where);
		else
			ret = app_opt(app, &app->param.opts[c - C_NB], optarg, where);
	}
	if (ret == 0 && optind < argc)
		ret = fail(app, "unexpected argument '%s' (see --help)", argv[optind]);
	free(lo);
	return ret;
}

/* Section @sec's entries, or NULL (none, or no memory: @n < 0). */
static struct rte_cfgfile_entry *
section_entries(struct tern_app *app, const char *sec, int *n)
{
	struct rte_cfgfile_entry *e;

	*n = rte_cfgfile_section_num_entries(app->file, sec);
	if (*n <= 0) {
		*n = 0;
		return NULL;
	}
	e = calloc((size_t)*n, sizeof(*e));
	if (e == NULL) {
		*n = -1;
		return NULL;
	}
	*n = rte_cfgfile_section_entries(app->file, sec, e, *n);
	return e;
}

/*
 * The keys of [tern] (@common) or of the application's section, from
 * @opts; or, with @list_id >= 0, [route] or [neigh]: every entry is that
 * option (--route, --neigh), whatever its name.
 */
static int
file_opts(struct tern_app *app, const char *sec, const struct tern_app_opt *opts, bool common,
	  int list_id)
{
	struct rte_cfgfile_entry *e;
	char where[CFG_NAME_LEN * 2 + 64];
	int n, i, ret = 0;

	e = section_entries(app, sec, &n);
	if (n < 0)
		return fail(app, "out of memory");
	for (i = 0; i < n && ret == 0; i++) {
		const struct tern_app_opt *o;
		const char *val = e[i].value;

		snprintf(where, sizeof(where), "%s [%s] %s", app->cfg.config_path, sec, e[i].name);
		if (list_id >= 0) {
			ret = common_opt(app, list_id, val, where);
			continue;
		}
		for (o = opts; o != NULL && o->name != NULL; o++)
			if (strcmp(o->name, e[i].name) == 0)
				break;
		if (o == NULL || o->name == NULL || (common && (o->id == C_CONFIG || o->id == C_HELP))) {
			ret = fail(app, "%s: unknown key (see --help)", where);
			break;
		}
		if (o->arg == NULL) {
			int b = parse_bool(val);

			if (b < 0) {
				ret = bad(app, where, val, "1 or 0 (yes/no, true/false, on/off)");
				break;
			}
			if (b == 0)
				continue;
			val = NULL;
		}
		ret = common ? common_opt(app, o->id, val, where) : app_opt(app, o, val, where);
	}
	free(e);
	return ret;
}

/* [port N] sections. */
static int
file_ports(struct tern_app *app)
{
	int nsec = rte_cfgfile_num_sections(app->file, NULL, 0), i, k, n, ret = 0;
	char where[CFG_NAME_LEN * 2 + 64];
	char **names;

	if (nsec <= 0)
		return 0;
	names = calloc((size_t)nsec, sizeof(*names) + CFG_NAME_LEN);
	if (names == NULL)
		return fail(app, "out of memory");
	for (i = 0; i < nsec; i++)
		names[i] = (char *)(names + nsec) + (size_t)i * CFG_NAME_LEN;
	nsec = rte_cfgfile_sections(app->file, names, nsec);
	for (i = 0; i < nsec && ret == 0; i++) {
		struct rte_cfgfile_entry *e;
		struct tern_app_port *p;
		unsigned long id;

		if (strncmp(names[i], "port", 4) != 0)
			continue;
		snprintf(where, sizeof(where), "%s [%s]", app->cfg.config_path, names[i]);
		if (names[i][4] != ' ' || parse_uint(names[i] + 5, UINT16_MAX - 1, &id) != 0) {
			ret = fail(app, "%s: a port section is [port N], N an ethdev port", where);
			break;
		}
		p = port_slot(app, id, where);
		if (p == NULL) {
			ret = -1;
			break;
		}
		e = section_entries(app, names[i], &n);
		if (n < 0)
			ret = fail(app, "out of memory");
		for (k = 0; k < n && ret == 0; k++) {
			if (port_field(p, e[k].name, e[k].value) == 0)
				continue;
			snprintf(where, sizeof(where), "%s [%s] %s", app->cfg.config_path, names[i],
				 e[k].name);
			ret = strcmp(e[k].name, "addr") == 0 ? bad(app, where, e[k].value,
								   "A.B.C.D/LEN") :
			      strcmp(e[k].name, "addr6") == 0 ? bad(app, where, e[k].value,
								    "ADDR/LEN") :
			      strcmp(e[k].name, "mtu") == 0 ? bad(app, where, e[k].value, "576..9000") :
			      strcmp(e[k].name, "vlan") == 0 ? bad(app, where, e[k].value, "1..4094") :
			      fail(app, "%s: unknown key (addr, addr6, mtu, vlan)", where);
		}
		free(e);
	}
	free(names);
	return ret;
}

/*
 * Every line of the file is blank, a ";" comment, a [section] or a
 * name = value (rte_cfgfile passes over some other lines without a word).
 * @return 0 or -1 (message).
 */
static int
file_lint(struct tern_app *app, const char *path)
{
	char line[1024], *p, *e;
	unsigned int n = 0;
	FILE *f = fopen(path, "r");
	int ret = 0;

	if (f == NULL)
		return fail(app, "--config %s: %s", path, strerror(errno));
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		n++;
		p = line + strspn(line, " \t\r\n");
		e = p + strlen(p);
		while (e > p && strchr(" \t\r\n", e[-1]) != NULL)
			*--e = '\0';
		if (*p == '\0' || *p == ';')
			continue;
		if (*p == '[' ? e[-1] != ']' : strchr(p, '=') == NULL || *p == '=')
			ret = fail(app, "--config %s:%u: \"%s\" is neither a [section], a "
				   "name = value, nor a ; comment", path, n, p);
	}
	fclose(f);
	return ret;
}

int
app_parse_file(struct tern_app *app, const char *path)
{
	enum app_src saved = app->src;
	int ret;

	if (app->file != NULL)
		return fail(app, "--config given twice");
	if (file_lint(app, path) != 0)
		return -1;
	app->file = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (app->file == NULL)
		return fail(app, "--config %s: not an INI file rte_cfgfile reads (a line without "
			    "'=', or a section without ']'?)", path);
	if (app->cfg.config_path == NULL || strcmp(app->cfg.config_path, path) != 0) {
		free(app->cfg.config_path);
		app->cfg.config_path = dup_str(app, path);
		if (app->cfg.config_path == NULL)
			return -1;
	}
	app->src = APP_SRC_FILE;
	ret = file_opts(app, "tern", common_opts, true, -1);
	if (ret == 0)
		ret = file_ports(app);
	if (ret == 0)
		ret = file_opts(app, "route", NULL, true, C_ROUTE);
	if (ret == 0)
		ret = file_opts(app, "neigh", NULL, true, C_NEIGH);
	if (ret == 0 && app->param.opts != NULL)
		ret = file_opts(app, app_section(app), app->param.opts, false, -1);
	app->src = saved;
	return ret;
}

/* Port @port (-1: none named) is one of the --port given. */
static bool
port_given(const struct tern_app_config *c, int port)
{
	unsigned int k;

	if (port < 0)
		return true;
	for (k = 0; k < c->nb_ports; k++)
		if (c->port[k].port_id == port)
			return true;
	return false;
}

static int
own(struct tern_app *app, char *s)
{
	if (s == NULL || app->nb_owned == RTE_DIM(app->owned)) {
		free(s);
		return fail(app, "[eal]: too many arguments");
	}
	app->owned[app->nb_owned++] = s;
	return 0;
}

int
app_split_words(char *s, char **argv, int *argc, int max)
{
	char *save = NULL, *t;

	for (t = strtok_r(s, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		if (*argc == max)
			return -1;
		argv[(*argc)++] = t;
	}
	return 0;
}

int
app_file_eal_args(struct tern_app *app, char **argv, int *argc, int max)
{
	struct rte_cfgfile_entry *e;
	int n, i, ret = 0;

	if (app->file == NULL)
		return 0;
	e = section_entries(app, "eal", &n);
	if (n < 0)
		return fail(app, "out of memory");
	for (i = 0; i < n && ret == 0; i++) {
		char *opt, *val;

		if (strcmp(e[i].name, "args") == 0) {
			val = strdup(e[i].value);
			ret = own(app, val);
			if (ret == 0 && app_split_words(val, argv, argc, max) != 0)
				ret = fail(app, "[eal]: too many arguments");
			continue;
		}
		if (*argc + 2 > max) {
			ret = fail(app, "[eal]: too many arguments");
			break;
		}
		opt = malloc(strlen(e[i].name) + 3);
		if (opt != NULL)
			sprintf(opt, "%s%s", e[i].name[1] == '\0' ? "-" : "--", e[i].name);
		ret = own(app, opt);
		if (ret != 0)
			break;
		argv[(*argc)++] = opt;
		if (e[i].value[0] == '\0')
			continue;
		val = strdup(e[i].value);
		ret = own(app, val);
		if (ret == 0)
			argv[(*argc)++] = val;
	}
	free(e);
	return ret;
}

const char *
app_find_config(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return NULL;
}

int
app_finish(struct tern_app *app)
{
	struct tern_app_config *c = &app->cfg;
	struct tern_app_port *p;
	unsigned int i;
	bool v4 = false, v6 = false;

	if (c->nb_ports == 0) {
		c->nb_ports = 1;
		memset(&c->port[0], 0, sizeof(c->port[0]));
	}
	p = &c->port[0];
	/* --addr / --addr6 come on top of the file's [port N] of the first port */
	for (i = 0; i < app->nb_addr4; i++) {
		if (app->cl_addr4 && i == 0)
			p->nb_addr4 = 0;
		if (p->nb_addr4 == TERN_MAX_ADDR4)
			return fail(app, "port %u: at most %u IPv4 addresses", p->port_id,
				    TERN_MAX_ADDR4);
		p->addr4[p->nb_addr4] = app->addr4[i];
		p->len4[p->nb_addr4++] = app->len4[i];
	}
	for (i = 0; i < app->nb_addr6; i++) {
		if (app->cl_addr6 && i == 0)
			p->nb_addr6 = 0;
		if (p->nb_addr6 == TERN_MAX_ADDR6 - 1)
			return fail(app, "port %u: at most %u IPv6 addresses", p->port_id,
				    TERN_MAX_ADDR6 - 1);
		p->addr6[p->nb_addr6] = app->addr6[i];
		p->len6[p->nb_addr6++] = app->len6[i];
	}
	app->nb_addr4 = app->nb_addr6 = 0;
	for (i = 0; i < c->nb_ports; i++) {
		v4 |= c->port[i].nb_addr4 > 0;
		v6 |= c->port[i].nb_addr6 > 0;
	}
	if ((app->param.flags & TERN_APP_F_NEED_ADDR) && !v4 && !v6)
		return fail(app, "give --addr and/or --addr6");
	if ((app->param.flags & TERN_APP_F_ONE_PORT) && c->nb_ports > 1)
		return fail(app, "one port only (%u given)", c->nb_ports);
	if ((c->have_gw4 && !v4) || (c->have_gw6 && !v6))
		return fail(app, "--gw needs --addr, --gw6 needs --addr6");
	for (i = 0; i < c->nb_neigh; i++)
		if ((c->neigh[i].family == 4 && !v4) || (c->neigh[i].family == 6 && !v6))
			return fail(app, "--neigh %s needs --%s (an address of its family)",
				    c->neigh[i].text, c->neigh[i].family == 4 ? "addr" : "addr6");
	for (i = 0; i < c->nb_routes; i++)
		if (!port_given(c, c->route[i].port))
			return fail(app, "--route %s: port=%d names no --port", c->route[i].text,
				    c->route[i].port);
	for (i = 0; i < c->nb_neigh; i++)
		if (!port_given(c, c->neigh[i].port))
			return fail(app, "--neigh %s: port=%d names no --port", c->neigh[i].text,
				    c->neigh[i].port);
	if (c->snaplen != 0 && c->pcap == NULL)
		return fail(app, "--snaplen needs --pcap");
	c->dev.nb_queues = (uint16_t)c->lcores;
	if (app->param.check != NULL && app->param.check(app, app->param.arg) != 0)
		return -1;
	c->dev.nb_queues = (uint16_t)c->lcores;
	return 0;
}

/* "  --name ARG" and its help in the column 24, a line each. */
static void
print_opts(FILE *f, const struct tern_app_opt *opts)
{
	const struct tern_app_opt *o;

	for (o = opts; o != NULL && o->name != NULL; o++) {
		const char *h = o->help != NULL ? o->help : "", *nl;
		int w = fprintf(f, "  --%s%s%s", o->name, o->arg != NULL ? " " : "",
				o->arg != NULL ? o->arg : "");

		if (w > 23) {
			fprintf(f, "\n");
			w = 0;
		}
		fprintf(f, "%*s", 24 - w, "");
		while ((nl = strchr(h, '\n')) != NULL) {
			fprintf(f, "%.*s\n%24s", (int)(nl - h), h, "");
			h = nl + 1;
		}
		fprintf(f, "%s\n", h);
	}
}

void
tern_app_usage(const struct tern_app_param *param, FILE *f)
{
	const char *name = param != NULL && param->name != NULL ? param->name : "tern";

	fprintf(f, "Usage: %s [EAL options] -- %s\n", name,
		param != NULL && param->synopsis != NULL ? param->synopsis : "[options]");
	fprintf(f, "       %s --config FILE [options]\n\n", name);
	if (param != NULL && param->about != NULL)
		fprintf(f, "%s\n", param->about);
	if (param != NULL && param->opts != NULL && param->opts[0].name != NULL) {
		fprintf(f, "Options of %s:\n", name);
		print_opts(f, param->opts);
		fprintf(f, "\n");
	}
	fprintf(f, "Common options (tern's bring-up, include/tern/tern_app.h):\n");
	print_opts(f, common_opts);
	if (param != NULL && param->epilog != NULL)
		fprintf(f, "\n%s", param->epilog);
}
