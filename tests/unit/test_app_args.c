/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * The common bring-up's options (lib/app/app_args.c): the command line, the
 * --config file, the file overridden by the command line, an application's
 * own options, and bad input refused with a message that names it. No EAL:
 * the parser needs none (tern_app_init() with --help or a bad file returns
 * before the EAL starts, which is checked too).
 */

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_byteorder.h>

#include <tern/tern_app.h>

#include "app_priv.h"

/* ---- an application with two options of its own ---- */

enum { A_MODE, A_FAST, A_PICKY };

struct myopts {
	char mode[16];
	bool fast;
	int nb_calls;
	int checked;
};

static const struct tern_app_opt my_opts[] = {
	{ "mode", "MODE", "echo or tx", "echo or tx", A_MODE },
	{ "fast", NULL, "go fast", NULL, A_FAST },
	{ "picky", "X", "refuses everything\nwith its own message", NULL, A_PICKY },
	{ NULL, NULL, NULL, NULL, 0 },
};

static int
my_parse(void *arg, int id, const char *val)
{
	struct myopts *o = arg;

	o->nb_calls++;
	switch (id) {
	case A_MODE:
		if (strcmp(val, "echo") != 0 && strcmp(val, "tx") != 0)
			return TERN_APP_OPT_BAD;
		snprintf(o->mode, sizeof(o->mode), "%s", val);
		return 0;
	case A_FAST:
		assert_null(val);
		o->fast = true;
		return 0;
	case A_PICKY:
		fprintf(stderr, "picky: no\n");
		return TERN_APP_OPT_FAIL;
	}
	return TERN_APP_OPT_BAD;
}

static int
my_check(struct tern_app *app, void *arg)
{
	struct myopts *o = arg;

	o->checked++;
	tern_app_config(app)->dev.nb_mbufs = 1234;
	return 0;
}

static struct myopts my;
static const struct tern_app_param my_param = {
	.name = "myapp",
	.synopsis = "--mode MODE",
	.opts = my_opts,
	.parse = my_parse,
	.check = my_check,
	.arg = &my,
	.section = "myapp",
};

/* ---- stderr captured into a file, read back ---- */

static char err_text[4096];
static int saved_fd2 = -1;
static FILE *err_file;

static void
err_begin(void)
{
	fflush(stderr);
	err_file = tmpfile();
	assert_non_null(err_file);
	saved_fd2 = dup(2);
	dup2(fileno(err_file), 2);
}

static const char *
err_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(saved_fd2, 2);
	close(saved_fd2);
	rewind(err_file);
	n = fread(err_text, 1, sizeof(err_text) - 1, err_file);
	err_text[n] = '\0';
	fclose(err_file);
	return err_text;
}

/* argv from a NULL-ended list; argv[0] is the program. */
static int
mkargv(char **argv, int max, va_list ap)
{
	int n = 0;
	const char *a;

	argv[n++] = (char *)"prog";
	while ((a = va_arg(ap, const char *)) != NULL && n < max - 1)
		argv[n++] = (char *)a;
	argv[n] = NULL;
	return n;
}

static struct tern_app *
parse_ok(const struct tern_app_param *p, ...)
{
	char *argv[64];
	struct tern_app *app;
	va_list ap;
	int argc;

	va_start(ap, p);
	argc = mkargv(argv, 64, ap);
	va_end(ap);
	memset(&my, 0, sizeof(my));
	app = app_new(p);
	assert_non_null(app);
	assert_int_equal(app_parse_argv(app, argc, argv), 0);
	assert_int_equal(app_finish(app), 0);
	return app;
}

/* Refused, with a message holding @want. */
static void
parse_bad(const struct tern_app_param *p, const char *want, ...)
{
	char *argv[64];
	struct tern_app *app;
	const char *msg;
	va_list ap;
	int argc, ret;

	va_start(ap, want);
	argc = mkargv(argv, 64, ap);
	va_end(ap);
	memset(&my, 0, sizeof(my));
	app = app_new(p);
	assert_non_null(app);
	err_begin();
	ret = app_parse_argv(app, argc, argv);
	if (ret == 0)
		ret = app_finish(app);
	msg = err_end();
	if (ret == 0 || strstr(msg, want) == NULL)
		fail_msg("%s ...: ret %d, message \"%s\", wanted \"%s\"", argv[1], ret, msg, want);
	app_free(app);
}

static char ini_path[64];

static void
write_ini(const char *text)
{
	int fd;

	snprintf(ini_path, sizeof(ini_path), "/tmp/tern-test-app-XXXXXX");
	fd = mkstemp(ini_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static tern_ip4_t
ip4(const char *s)
{
	tern_ip4_t a;

	assert_int_equal(tern_ip4_parse(s, &a, NULL), 0);
	return a;
}

/* ---- the tests ---- */

static void
test_cmdline_common(void **state)
{
	struct tern_app *app;
	const struct tern_app_config *c;

	(void)state;
	app = parse_ok(NULL, "--port", "1,addr=10.0.0.1/24,addr6=fd00::1/64,mtu=1400,vlan=7",
		       "--port=2,addr=10.1.0.1/24,addr=10.9.0.1/16", "--route",
		       "10.3.0.0/16,via=10.1.0.2", "--route", "fd03::/64,port=2", "--neigh",
		       "10.0.0.9,02:00:00:00:00:09,port=1", "--neigh", "fd00::9,02:00:00:00:00:0a",
		       "--lcores", "2", "--duration", "1.5", "--pcap", "/tmp/x.pcapng",
		       "--snaplen", "128", "--no-offload", "--pdump", "--port-stats", NULL);
	c = tern_app_config(app);
	assert_int_equal(c->nb_ports, 2);
	assert_int_equal(c->port[0].port_id, 1);
	assert_int_equal(c->port[0].nb_addr4, 1);
	assert_int_equal(c->port[0].addr4[0], ip4("10.0.0.1"));
	assert_int_equal(c->port[0].len4[0], 24);
	assert_int_equal(c->port[0].nb_addr6, 1);
	assert_int_equal(c->port[0].len6[0], 64);
	assert_int_equal(c->port[0].mtu, 1400);
	assert_int_equal(c->port[0].vlan, 7);
	assert_int_equal(c->port[1].port_id, 2);
	assert_int_equal(c->port[1].nb_addr4, 2);
	assert_int_equal(c->port[1].len4[1], 16);
	assert_int_equal(c->nb_routes, 2);
	assert_int_equal(c->route[0].family, 4);
	assert_true(c->route[0].have_via);
	assert_int_equal(c->route[0].via4, ip4("10.1.0.2"));
	assert_int_equal(c->route[0].port, -1);
	assert_int_equal(c->route[1].family, 6);
	assert_false(c->route[1].have_via);
	assert_int_equal(c->route[1].port, 2);
	assert_int_equal(c->nb_neigh, 2);
	assert_int_equal(c->neigh[0].port, 1);
	assert_int_equal(c->neigh[0].mac.addr_bytes[5], 9);
	assert_int_equal(c->neigh[1].family, 6);
	assert_int_equal(c->lcores, 2);
	assert_int_equal(c->dev.nb_queues, 2);
	assert_true(c->duration > 1.49 && c->duration < 1.51);
	assert_string_equal(c->pcap, "/tmp/x.pcapng");
	assert_int_equal(c->snaplen, 128);
	assert_true(c->dev.no_offload);
	assert_true(c->pdump);
	assert_true(c->port_stats);
	app_free(app);
}

/* --addr, --addr6, --gw: the first port, port 0 unless named; dev= still works */
static void
test_cmdline_addr(void **state)
{
	struct tern_app *app;
	const struct tern_app_config *c;

	(void)state;
	app = parse_ok(NULL, "--addr", "10.0.0.1/24", "--addr6", "fd00::1/64", "--gw",
		       "10.0.0.254", "--gw6", "fd00::fe", NULL);
	c = tern_app_config(app);
	assert_int_equal(c->nb_ports, 1);
	assert_int_equal(c->port[0].port_id, 0);
	assert_int_equal(c->port[0].nb_addr4, 1);
	assert_int_equal(c->port[0].nb_addr6, 1);
	assert_true(c->have_gw4 && c->have_gw6);
	assert_int_equal(c->gw4, ip4("10.0.0.254"));
	assert_int_equal(c->lcores, 1);
	assert_null(c->pcap);
	app_free(app);

	app = parse_ok(NULL, "--addr", "10.0.0.1/24", "--port", "3", "--route",
		       "10.3.0.0/16,via=10.0.0.2,dev=3", NULL);
	c = tern_app_config(app);
	assert_int_equal(c->nb_ports, 1);
	assert_int_equal(c->port[0].port_id, 3);
	assert_int_equal(c->port[0].addr4[0], ip4("10.0.0.1"));
	assert_int_equal(c->route[0].port, 3);
	app_free(app);
}

static void
test_cmdline_bad(void **state)
{
	(void)state;
	parse_bad(NULL, "invalid value '10.0.0.1' for --addr: expected A.B.C.D/LEN",
		  "--addr", "10.0.0.1", NULL);
	parse_bad(NULL, "invalid value '10.0.0.1/0' for --addr", "--addr", "10.0.0.1/0", NULL);
	parse_bad(NULL, "invalid value 'fd00::1/64' for --addr", "--addr", "fd00::1/64", NULL);
	parse_bad(NULL, "invalid value 'x' for --port", "--port", "x", NULL);
	parse_bad(NULL, "invalid value '0,foo=1' for --port", "--port", "0,foo=1", NULL);
	parse_bad(NULL, "invalid value '0,mtu=100' for --port", "--port", "0,mtu=100", NULL);
	parse_bad(NULL, "port 0 given twice", "--port", "0", "--port", "0,addr=10.0.0.1/8",
		  NULL);
	parse_bad(NULL, "invalid value '10.0.0.0/8' for --route", "--route", "10.0.0.0/8",
		  NULL);
	parse_bad(NULL, "invalid value '10.0.0.0/8,via=fd00::1' for --route", "--route",
		  "10.0.0.0/8,via=fd00::1", NULL);
	parse_bad(NULL, "invalid value '10.0.0.2,ff:ff:ff:ff:ff:ff' for --neigh", "--neigh",
		  "10.0.0.2,ff:ff:ff:ff:ff:ff", NULL);
	parse_bad(NULL, "invalid value '0' for --lcores", "--lcores", "0", NULL);
	parse_bad(NULL, "invalid value '10' for --snaplen: expected bytes, 64..65535",
		  "--pcap", "/tmp/x", "--snaplen", "10", NULL);
	parse_bad(NULL, "invalid value '-1' for --duration", "--duration", "-1", NULL);
	parse_bad(NULL, "unknown option '--bogus'", "--bogus", NULL);
	parse_bad(NULL, "option '--lcores' needs a value", "--lcores", NULL);
	parse_bad(NULL, "unexpected argument 'stray'", "--addr", "10.0.0.1/24", "stray", NULL);
	parse_bad(NULL, "--snaplen needs --pcap", "--snaplen", "100", NULL);
	parse_bad(NULL, "--gw needs --addr", "--addr6", "fd00::1/64", "--gw", "10.0.0.1",
		  NULL);
	parse_bad(NULL, "--neigh 10.0.0.2,02:00:00:00:00:02 needs --addr", "--addr6",
		  "fd00::1/64", "--neigh", "10.0.0.2,02:00:00:00:00:02", NULL);
	parse_bad(NULL, "port=5 names no --port", "--addr", "10.0.0.1/24", "--route",
		  "10.3.0.0/16,port=5", NULL);
	parse_bad(&(struct tern_app_param){ .name = "need", .flags = TERN_APP_F_NEED_ADDR },
		  "need: give --addr and/or --addr6", "--lcores", "1", NULL);
	parse_bad(&(struct tern_app_param){ .name = "one", .flags = TERN_APP_F_ONE_PORT },
		  "one port only (2 given)", "--port", "0", "--port", "1", NULL);
}

static void
test_app_options(void **state)
{
	struct tern_app *app;

	(void)state;
	app = parse_ok(&my_param, "--mode", "tx", "--fast", "--addr", "10.0.0.1/24", NULL);
	assert_string_equal(my.mode, "tx");
	assert_true(my.fast);
	assert_int_equal(my.checked, 1);
	assert_int_equal(tern_app_config(app)->dev.nb_mbufs, 1234);
	app_free(app);
	parse_bad(&my_param, "myapp: invalid value 'rx' for --mode: expected echo or tx",
		  "--mode", "rx", NULL);
	parse_bad(&my_param, "picky: no", "--picky", "1", NULL);
	parse_bad(&my_param, "myapp: unknown option '--lport'", "--lport", "7", NULL);
}

static void
test_usage(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	tern_app_usage(&my_param, f);
	fclose(f);
	assert_non_null(strstr(buf, "Usage: myapp [EAL options] -- --mode MODE"));
	assert_non_null(strstr(buf, "Options of myapp:"));
	assert_non_null(strstr(buf, "  --mode MODE           echo or tx"));
	assert_non_null(strstr(buf, "  --fast                go fast"));
	assert_non_null(strstr(buf, "refuses everything\n                        with its"));
	assert_non_null(strstr(buf, "  --config FILE"));
	assert_non_null(strstr(buf, "  --route PREFIX/LEN,via=GW[,port=N]\n"));
	assert_non_null(strstr(buf, "  --pcap FILE"));
	assert_non_null(strstr(buf, "  --pdump"));
	free(buf);
}

static const char full_ini[] =
	"; a comment\n"
	"[eal]\n"
	"args = --no-huge -m 512  --no-pci\n"
	"vdev = net_tap0,iface=tern0\n"
	"l = 0-1\n"
	"no-telemetry =\n"
	"\n"
	"[tern]\n"
	"lcores = 2\n"
	"pcap = /tmp/file.pcapng\n"
	"no-offload = yes\n"
	"port-stats = 0\n"
	"gw = 10.0.0.254\n"
	"\n"
	"[port 0]\n"
	"addr = 10.0.0.1/24\n"
	"addr = 10.0.1.1/24\n"
	"addr6 = fd00::1/64\n"
	"mtu = 1400\n"
	"\n"
	"[port 1]\n"
	"addr = 10.1.0.1/24\n"
	"\n"
	"[route]\n"
	"far = 10.3.0.0/16,via=10.1.0.2\n"
	"far6 = fd03::/64,port=1\n"
	"\n"
	"[neigh]\n"
	"peer = 10.0.0.2,02:00:00:00:00:02\n"
	"\n"
	"[myapp]\n"
	"mode = echo\n"
	"fast = 1\n"
	"\n"
	"[other]\n"
	"anything = at all\n";

static void
test_file(void **state)
{
	struct tern_app *app;
	const struct tern_app_config *c;
	char *eal[32];
	int neal = 0;

	(void)state;
	write_ini(full_ini);
	memset(&my, 0, sizeof(my));
	app = app_new(&my_param);
	assert_int_equal(app_parse_file(app, ini_path), 0);
	assert_int_equal(app_file_eal_args(app, eal, &neal, 32), 0);
	assert_int_equal(app_finish(app), 0);
	c = tern_app_config(app);
	assert_int_equal(neal, 9);
	assert_string_equal(eal[0], "--no-huge");
	assert_string_equal(eal[1], "-m");
	assert_string_equal(eal[2], "512");
	assert_string_equal(eal[3], "--no-pci");
	assert_string_equal(eal[4], "--vdev");
	assert_string_equal(eal[5], "net_tap0,iface=tern0");
	assert_string_equal(eal[6], "-l");
	assert_string_equal(eal[7], "0-1");
	assert_string_equal(eal[8], "--no-telemetry");
	assert_int_equal(c->lcores, 2);
	assert_string_equal(c->pcap, "/tmp/file.pcapng");
	assert_true(c->dev.no_offload);
	assert_false(c->port_stats);
	assert_true(c->have_gw4);
	assert_int_equal(c->nb_ports, 2);
	assert_int_equal(c->port[0].nb_addr4, 2);
	assert_int_equal(c->port[0].nb_addr6, 1);
	assert_int_equal(c->port[0].mtu, 1400);
	assert_int_equal(c->port[1].port_id, 1);
	assert_int_equal(c->nb_routes, 2);
	assert_int_equal(c->route[1].port, 1);
	assert_int_equal(c->nb_neigh, 1);
	assert_string_equal(my.mode, "echo");
	assert_true(my.fast);
	assert_string_equal(tern_app_config_get(app, "other", "anything"), "at all");
	assert_null(tern_app_config_get(app, "other", "nothing"));
	app_free(app);
	unlink(ini_path);
}

/* The command line over the file: scalars, lists, a port, the first port's addresses. */
static void
test_file_override(void **state)
{
	char *argv[] = { (char *)"prog", (char *)"--config", ini_path, (char *)"--lcores",
			 (char *)"3", (char *)"--addr", (char *)"192.168.0.1/16", (char *)"--route",
			 (char *)"0.0.0.0/0,via=10.1.0.254", (char *)"--port",
			 (char *)"1,addr=172.16.0.1/12", (char *)"--mode", (char *)"tx",
			 (char *)"--pcap", (char *)"/tmp/other.pcapng", NULL };
	struct tern_app *app;
	const struct tern_app_config *c;

	(void)state;
	write_ini(full_ini);
	memset(&my, 0, sizeof(my));
	app = app_new(&my_param);
	/* what tern_app_init() does: the file first (found by a pre-scan), then argv */
	assert_string_equal(app_find_config(RTE_DIM(argv) - 1, argv), ini_path);
	assert_int_equal(app_parse_file(app, ini_path), 0);
	assert_int_equal(app_parse_argv(app, RTE_DIM(argv) - 1, argv), 0);
	assert_int_equal(app_finish(app), 0);
	c = tern_app_config(app);
	assert_int_equal(c->lcores, 3);
	assert_string_equal(c->pcap, "/tmp/other.pcapng");
	assert_true(c->dev.no_offload);				/* the file's, kept */
	/* --addr replaced port 0's IPv4 addresses; its IPv6 one stays */
	assert_int_equal(c->port[0].nb_addr4, 1);
	assert_int_equal(c->port[0].addr4[0], ip4("192.168.0.1"));
	assert_int_equal(c->port[0].nb_addr6, 1);
	assert_int_equal(c->port[0].mtu, 1400);
	/* --port 1 replaced [port 1] */
	assert_int_equal(c->nb_ports, 2);
	assert_int_equal(c->port[1].nb_addr4, 1);
	assert_int_equal(c->port[1].addr4[0], ip4("172.16.0.1"));
	/* --route replaced every route of the file; [neigh] kept */
	assert_int_equal(c->nb_routes, 1);
	assert_int_equal(c->route[0].len, 0);
	assert_int_equal(c->nb_neigh, 1);
	assert_string_equal(my.mode, "tx");
	assert_true(my.fast);
	app_free(app);
	unlink(ini_path);
}

/* A file is refused with its name, section and key in the message. */
static void
file_bad(const char *text, const char *want)
{
	struct tern_app *app;
	const char *msg;
	int ret;

	write_ini(text);
	memset(&my, 0, sizeof(my));
	app = app_new(&my_param);
	err_begin();
	ret = app_parse_file(app, ini_path);
	msg = err_end();
	if (ret == 0 || strstr(msg, want) == NULL)
		fail_msg("file \"%s\": ret %d, message \"%s\", wanted \"%s\"", text, ret, msg, want);
	app_free(app);
	unlink(ini_path);
}

static void
test_file_bad(void **state)
{
	struct tern_app *app;
	const char *msg;

	(void)state;
	file_bad("[tern]\nlcorez = 2\n", "[tern] lcorez: unknown key");
	file_bad("[tern]\nlcores = two\n", "invalid value 'two' for");
	file_bad("[tern]\nlcores = two\n", "[tern] lcores");
	file_bad("[tern]\nconfig = /etc/x.ini\n", "[tern] config: unknown key");
	file_bad("[tern]\nno-offload = maybe\n", "invalid value 'maybe'");
	file_bad("[port 0]\naddr = 10.0.0.1\n", "[port 0] addr: expected A.B.C.D/LEN");
	file_bad("[port 0]\ncolour = red\n", "[port 0] colour: unknown key");
	file_bad("[port zero]\naddr = 10.0.0.1/24\n", "a port section is [port N]");
	file_bad("[route]\nr = 10.0.0.0/8,via=bogus\n", "[route] r: expected");
	file_bad("[neigh]\nn = 10.0.0.2\n", "[neigh] n: expected IP,MAC");
	file_bad("[myapp]\nmode = rx\n", "[myapp] mode: expected echo or tx");
	file_bad("[myapp]\nspeed = 3\n", "[myapp] speed: unknown key");
	file_bad("[tern]\nthis line has no equals sign\n",
		 ":2: \"this line has no equals sign\" is neither a [section]");
	file_bad("[tern\nlcores = 1\n", ":1: \"[tern\" is neither");

	app = app_new(&my_param);
	err_begin();
	assert_int_equal(app_parse_file(app, "/nonexistent/tern.ini"), -1);
	msg = err_end();
	assert_non_null(strstr(msg, "--config /nonexistent/tern.ini: No such file or directory"));
	app_free(app);
}

/* tern_app_init(): --help and a bad file end before the EAL would start. */
static void
test_init_before_eal(void **state)
{
	char *help[] = { (char *)"prog", (char *)"--", (char *)"--addr", (char *)"10.0.0.1/24",
			 (char *)"--help", NULL };
	char *bad[] = { (char *)"prog", (char *)"--config", ini_path, NULL };
	int status = -1;
	FILE *saved = stdout;

	(void)state;
	stdout = fopen("/dev/null", "w");
	assert_null(tern_app_init(5, help, &my_param, &status));
	fclose(stdout);
	stdout = saved;
	assert_int_equal(status, 0);

	write_ini("[tern]\nlcores = 0\n");
	status = -1;
	err_begin();
	assert_null(tern_app_init(3, bad, &my_param, &status));
	assert_non_null(strstr(err_end(), "[tern] lcores"));
	assert_int_equal(status, 2);
	/* a --config before "--" is read as tern's, not handed to the EAL */
	{
		char *before[] = { (char *)"prog", (char *)"--config", ini_path, (char *)"--",
				   (char *)"--mode", (char *)"tx", NULL };

		status = -1;
		err_begin();
		assert_null(tern_app_init(5, before, &my_param, &status));
		assert_non_null(strstr(err_end(), "[tern] lcores"));
		assert_int_equal(status, 2);
	}
	status = -1;
	err_begin();
	assert_null(tern_app_init_config(ini_path, NULL, &status));
	assert_non_null(strstr(err_end(), "tern: invalid value '0' for"));
	assert_int_equal(status, 2);
	unlink(ini_path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_common),
		cmocka_unit_test(test_cmdline_addr),
		cmocka_unit_test(test_cmdline_bad),
		cmocka_unit_test(test_app_options),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_override),
		cmocka_unit_test(test_file_bad),
		cmocka_unit_test(test_init_before_eal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
