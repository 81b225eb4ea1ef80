/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_APP_PRIV_H
#define TERN_APP_PRIV_H

/*
 * lib/app: the common bring-up (tern_app.h). app_args.c reads the options
 * and the configuration file (no EAL needed: the unit tests drive it
 * alone); app.c runs the EAL, makes the devices and the network, and runs
 * the workers.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include <tern/tern_app.h>
#include <tern/tern_stats.h>

struct rte_cfgfile;

/* Where an option's value comes from: the file, then the command line. */
enum app_src {
	APP_SRC_FILE,
	APP_SRC_CMDLINE,
};

struct tern_app_worker {
	struct tern_app *app;
	unsigned int idx;
	unsigned int lcore;
	bool on_main;			/* runs on the main lcore: drives the control round */
	uint64_t next_ctl;		/* TSC of the next control round (on_main) */
	struct tern_ctx *ctx;
	int state;			/* enum app_wstate, atomic */
	int rc;				/* what ops->main returned */
	bool have_final;
	struct tern_stats final;	/* the context's counters when it went */
	char err[160];
} __rte_cache_aligned;

struct tern_app {
	struct tern_app_param param;
	struct tern_app_config cfg;
	struct rte_cfgfile *file;
	enum app_src src;		/* what is being read now */
	/* the command line has given these lists: the file's are dropped */
	bool cl_routes, cl_neigh, cl_addr4, cl_addr6;
	/* --addr / --addr6: the first port's, kept apart until the end */
	uint8_t nb_addr4, nb_addr6;
	tern_ip4_t addr4[TERN_MAX_ADDR4];
	uint8_t len4[TERN_MAX_ADDR4];
	struct tern_ip6 addr6[TERN_MAX_ADDR6 - 1];
	uint8_t len6[TERN_MAX_ADDR6 - 1];
	/* a port given by --port on the command line (ethdev ids) */
	bool cl_port[TERN_MAX_PORTS];
	bool help;			/* --help seen */
	bool cl_config;			/* --config seen on the command line */
	char *owned[256];		/* strings of the EAL arguments of [eal] */
	unsigned int nb_owned;

	/* app.c */
	bool eal_owned;			/* rte_eal_init() was ours: clean up */
	bool pdump_on;
	struct tern_net *net;
	struct tern_dev *dev[TERN_MAX_PORTS];
	struct tern_capture *cap;
	unsigned int nb_workers;
	bool main_is_worker;
	struct tern_app_worker *w;
	const struct tern_app_worker_ops *ops;
	int stop;			/* atomic: the workers end */
	int stop_req;			/* atomic: tern_app_stop() asked */
	int go;				/* atomic: every worker initialised */
	uint64_t end_tsc;		/* --duration; UINT64_MAX: none */
};

/* app_args.c */
struct tern_app *app_new(const struct tern_app_param *param);
void app_free(struct tern_app *app);
/*
 * Read tern's arguments (those after the EAL's "--"; argv[0] is skipped).
 * @return 0, or -1 after a message (bad arguments). --help sets app->help.
 */
int app_parse_argv(struct tern_app *app, int argc, char **argv);
/* Load the file of --config and read its sections but [eal]. @return 0 or -1 (message). */
int app_parse_file(struct tern_app *app, const char *path);
/*
 * The EAL arguments of the loaded file's [eal] section appended to
 * @argv (of @max entries, @argc used); the strings are kept in
 * app->owned until app_free(). @return 0 or -1.
 */
int app_file_eal_args(struct tern_app *app, char **argv, int *argc, int max);
/*
 * Once everything is read: the --addr addresses into the first port
 * (port 0 made if none was named), the cross checks, then param.check.
 * @return 0 or -1 (message).
 */
int app_finish(struct tern_app *app);
/* Pre-scan of main()'s arguments: the value of --config, or NULL. */
const char *app_find_config(int argc, char **argv);
/* Split "a b  c" at blanks into @argv. @return 0 or -1 (too many). */
int app_split_words(char *s, char **argv, int *argc, int max);

#endif /* TERN_APP_PRIV_H */
