/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_APP_H
#define TERN_APP_H

/**
 * @file
 * One bring-up for every application: the EAL, tern's common options and
 * an optional configuration file, then devices, the network (interfaces,
 * addresses, routes, neighbors), an optional capture, one context per
 * worker lcore (queue i of every device for worker i), the workers
 * launched with the application's per-lcore function, SIGINT/SIGTERM, and
 * the teardown of all of it.
 *
 * The common options (after the EAL's "--"), also keys of a configuration
 * file (tern_app_usage() prints them):
 *
 *     --config FILE       an INI file read with rte_cfgfile (below)
 *     --port N[,addr=A/LEN][,addr6=A6/LEN][,mtu=M][,vlan=V]   (repeatable)
 *     --addr A/LEN, --addr6 A6/LEN   addresses of the first port
 *     --gw A, --gw6 A6    default routes
 *     --route PREFIX/LEN,via=GW[,port=N] | PREFIX/LEN,port=N  (repeatable)
 *     --neigh IP,MAC[,port=N]                                 (repeatable)
 *     --lcores N          worker contexts (default 1)
 *     --duration SEC, --no-offload, --pcap FILE, --snaplen N, --pdump,
 *     --port-stats, --help
 *
 * The file: an [eal] section of EAL arguments (`args = ...` split at
 * blanks, and `key = value` entries taken as `--key value`, `-k value` for
 * a one-letter key, `--key` for an empty value); a [tern] section whose
 * keys are the common options above; [port N] sections with `addr`,
 * `addr6`, `mtu`, `vlan` entries; a [route] and a [neigh] section whose
 * entries (any names) take the values of --route and --neigh; and a
 * section of the application's own options (tern_app_param::section).
 * The command line overrides the file: a scalar given on both takes the
 * command line's value; --port N replaces the file's [port N]; --addr /
 * --addr6 replace the first port's addresses of that family; --route and
 * --neigh replace all of the file's routes or neighbors. The EAL arguments
 * of the command line come after the file's.
 *
 * Everything here runs on the main lcore except what is marked otherwise.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ether.h>

#include <tern/tern_config.h>
#include <tern/tern_dev.h>
#include <tern/tern_net.h>
#include <tern/tern_stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tern_app;
struct tern_app_worker;
struct tern_ctx;
struct tern_capture;

/** Most routes the bring-up takes (--route, [route], --gw, --gw6). */
#define TERN_APP_MAX_ROUTES	256
/** Most permanent neighbors the bring-up takes (--neigh, [neigh]). */
#define TERN_APP_MAX_NEIGH	256
/** Bytes kept of the text of a --route or --neigh, for messages. */
#define TERN_APP_TEXT		96

/** A port (device and interface) of the bring-up. */
struct tern_app_port {
	uint16_t port_id;			/**< ethdev port */
	uint16_t mtu;				/**< 0: the device's */
	uint16_t vlan;				/**< 0: untagged, else the 802.1Q VLAN id */
	uint8_t nb_addr4;			/**< IPv4 addresses in addr4[] */
	uint8_t nb_addr6;			/**< IPv6 addresses in addr6[] */
	tern_ip4_t addr4[TERN_MAX_ADDR4];	/**< IPv4 addresses */
	uint8_t len4[TERN_MAX_ADDR4];		/**< their prefix lengths */
	struct tern_ip6 addr6[TERN_MAX_ADDR6 - 1]; /**< IPv6 addresses (the link-local one is made) */
	uint8_t len6[TERN_MAX_ADDR6 - 1];	/**< their prefix lengths */
};

/** A route of the bring-up. */
struct tern_app_route {
	uint8_t family;			/**< 4 or 6 */
	uint8_t len;			/**< prefix length */
	bool have_via;			/**< via= given: through a gateway */
	int port;			/**< ethdev port of port=, or -1: found from via */
	tern_ip4_t pfx4;		/**< IPv4 prefix */
	tern_ip4_t via4;		/**< IPv4 gateway */
	struct tern_ip6 pfx6;		/**< IPv6 prefix */
	struct tern_ip6 via6;		/**< IPv6 gateway */
	char text[TERN_APP_TEXT];	/**< as given, for messages */
};

/** A permanent neighbor of the bring-up. */
struct tern_app_neigh {
	uint8_t family;			/**< 4 or 6 */
	int port;			/**< ethdev port of port=, or -1: found by route */
	tern_ip4_t ip4;			/**< IPv4 address */
	struct tern_ip6 ip6;		/**< IPv6 address */
	struct rte_ether_addr mac;	/**< its MAC */
	char text[TERN_APP_TEXT];	/**< as given, for messages */
};

/**
 * The common configuration once the file and the command line are read.
 * The application may change it in its tern_app_param::check callback,
 * before the devices are made; read-only afterwards.
 */
struct tern_app_config {
	unsigned int nb_ports;		/**< ports in port[] (at least one once checked) */
	struct tern_app_port port[TERN_MAX_PORTS];	/**< interface i is port[i] */
	unsigned int nb_routes;		/**< routes in route[] */
	struct tern_app_route route[TERN_APP_MAX_ROUTES];	/**< --route, [route] */
	unsigned int nb_neigh;		/**< neighbors in neigh[] */
	struct tern_app_neigh neigh[TERN_APP_MAX_NEIGH];	/**< --neigh, [neigh] */
	bool have_gw4;			/**< --gw given */
	bool have_gw6;			/**< --gw6 given */
	tern_ip4_t gw4;			/**< IPv4 default gateway */
	struct tern_ip6 gw6;		/**< IPv6 default gateway */
	unsigned int lcores;		/**< worker contexts (default 1) */
	double duration;		/**< seconds to run, 0: until a signal */
	char *pcap;			/**< --pcap file, or NULL */
	uint32_t snaplen;		/**< --snaplen, 0: whole frames */
	bool pdump;			/**< --pdump: rte_pdump_init() for dpdk-dumpcap */
	bool port_stats;		/**< --port-stats: print each port's counters at exit */
	char *config_path;		/**< --config file, or NULL */
	/**
	 * The parameters of every device: --no-offload sets no_offload,
	 * nb_queues is set to lcores; the application may set the rest.
	 */
	struct tern_dev_param dev;
};

/**
 * An option of the application, next to the common ones; a table of them
 * ends with an entry whose name is NULL.
 */
struct tern_app_opt {
	const char *name;	/**< long name, without "--"; also its key in the file */
	const char *arg;	/**< what the value is called in --help ("N"); NULL: a flag */
	/** Its text in --help; a newline starts a line in the help column. */
	const char *help;
	/** What a valid value is, for the message when it is not ("1..512"). */
	const char *expect;
	int id;			/**< handed to tern_app_param::parse */
};

/** tern_app_param::parse's return: the value is invalid (the bring-up says so). */
#define TERN_APP_OPT_BAD	(-1)
/** tern_app_param::parse's return: refused, the callback printed why. */
#define TERN_APP_OPT_FAIL	(-2)

/**
 * Take option @p id of the application with value @p val (NULL for a
 * flag: in the file a flag is "1", "yes", "true", "on" or empty to set it,
 * "0", "no", "false", "off" to leave it unset, and the callback is not
 * called then). Options come from the file first, then from the command
 * line, each in order.
 * @return 0, TERN_APP_OPT_BAD or TERN_APP_OPT_FAIL.
 */
typedef int (*tern_app_parse_t)(void *arg, int id, const char *val);

/** Flags of tern_app_param. */
enum tern_app_flag {
	TERN_APP_F_NEED_ADDR	= 1u << 0,	/**< at least one address (IPv4 or IPv6) */
	TERN_APP_F_ONE_PORT	= 1u << 1,	/**< exactly one port */
};

/** What the application tells tern_app_init(). */
struct tern_app_param {
	const char *name;		/**< program name: messages start "NAME: " */
	/** The usage line after "Usage: NAME [EAL options] -- ", e.g. "--addr A/LEN [options]". */
	const char *synopsis;
	const char *about;		/**< --help: what the program does (NULL: nothing) */
	const char *epilog;		/**< --help: text after the options (NULL: nothing) */
	const struct tern_app_opt *opts; /**< the application's options, or NULL */
	tern_app_parse_t parse;		/**< takes them (required with opts) */
	/**
	 * Called once every option is read, before any device is made: checks
	 * across options, and changes to tern_app_config(). @return 0, or -1
	 * after printing why (bad options: exit status 2). May be NULL.
	 */
	int (*check)(struct tern_app *app, void *arg);
	void *arg;			/**< handed to parse and check */
	const char *section;		/**< the file's section of the app's options; NULL: name */
	uint32_t flags;			/**< enum tern_app_flag */
};

/**
 * Bring an application up from its command line: rte_eal_init() with the
 * EAL arguments (before "--", after the file's [eal] ones), the common and
 * the application's options, devices, network, capture. With no "--", the
 * arguments are tern's if one of them is --config or --help, else the
 * EAL's; a --config before "--" is tern's too. If the EAL was already
 * initialised it is used as it is (and not cleaned up by tern_app_fini()).
 * @param argc argument count of main()
 * @param argv arguments of main() (not changed)
 * @param param what the application is; copied
 * @param status set when NULL is returned: 0 (--help was printed), 1 (a
 *   run-time failure) or 2 (bad arguments), after a message on stderr
 * @return the application, or NULL.
 */
TERN_API struct tern_app *tern_app_init(int argc, char **argv, const struct tern_app_param *param,
				       int *status);

/**
 * tern_app_init() from a configuration file alone, for a program that does
 * not own main()'s arguments (e.g. a library loaded with LD_PRELOAD).
 * @param path the file (its [eal] section holds every EAL argument)
 * @param param as for tern_app_init(); NULL: a program called "tern" with
 *   no options of its own
 * @param status as for tern_app_init()
 * @return the application, or NULL.
 */
TERN_API struct tern_app *tern_app_init_config(const char *path,
					      const struct tern_app_param *param, int *status);

/**
 * Print the --help text to @p f: usage, about, the common options, the
 * application's options, the epilog.
 */
TERN_API void tern_app_usage(const struct tern_app_param *param, FILE *f);

/** The configuration (changeable only in tern_app_param::check). */
TERN_API struct tern_app_config *tern_app_config(struct tern_app *app);

/**
 * Entry @p name of section @p section of the --config file.
 * @return its value, or NULL (no file, no such entry). Valid until tern_app_fini().
 */
TERN_API const char *tern_app_config_get(const struct tern_app *app, const char *section,
					 const char *name);

/** The network (NULL before the devices are made). */
TERN_API struct tern_net *tern_app_net(const struct tern_app *app);

/** Device of interface @p i (port[i] of the configuration), or NULL. */
TERN_API struct tern_dev *tern_app_dev(const struct tern_app *app, unsigned int i);

/** Interface index of ethdev port @p port_id. @return it, or -1. */
TERN_API int tern_app_ifindex(const struct tern_app *app, uint16_t port_id);

/** The --pcap capture, or NULL. */
TERN_API struct tern_capture *tern_app_capture(const struct tern_app *app);

/** Worker contexts tern_app_run() starts (--lcores). */
TERN_API unsigned int tern_app_nb_workers(const struct tern_app *app);

/** True when the EAL has no worker lcore: the main lcore runs worker 0. */
TERN_API bool tern_app_main_is_worker(const struct tern_app *app);

/** What tern_app_run() calls; every member but main may be NULL. */
struct tern_app_worker_ops {
	/**
	 * On the worker's lcore, once its context exists, before any worker
	 * runs main: open streams, sockets. @return 0, or -1 (the run fails;
	 * tern_app_worker_error() says why).
	 */
	int (*init)(struct tern_app_worker *w, void *arg);
	/**
	 * On the worker's lcore: the work, until tern_app_running() turns
	 * false. @return 0, or non-zero (a failure: tern_app_run() returns 1).
	 */
	int (*main)(struct tern_app_worker *w, void *arg);
	/** On the worker's lcore after main (or a failed init), before its context goes. */
	void (*fini)(struct tern_app_worker *w, void *arg);
	/** Main lcore: every worker is initialised, none has started main yet. */
	void (*ready)(struct tern_app *app, void *arg);
	/**
	 * Main lcore, about every millisecond while the workers run and never
	 * after the stop: the only place where live contexts may be read.
	 */
	void (*control)(struct tern_app *app, void *arg);
	void *arg;	/**< handed to each */
};

/**
 * Run the workers: on each of the first --lcores worker lcores (or the
 * main lcore if the EAL has none) a context on queue i of every device,
 * the --pcap capture attached, ops->init, then once all are initialised
 * ops->ready and ops->main everywhere; on SIGINT, SIGTERM, --duration or
 * tern_app_stop() the workers see tern_app_running() false, return, run
 * ops->fini and destroy their context (its counters are kept:
 * tern_app_worker_stats()). Returns once every worker has.
 * @return 0, or 1 (a worker failed, or a signal came before all were
 *   initialised; after a message).
 */
TERN_API int tern_app_run(struct tern_app *app, const struct tern_app_worker_ops *ops);

/**
 * Ask the run to end; any lcore (the main lcore makes it the stop at its
 * next control round). Async-signal-safe.
 */
TERN_API void tern_app_stop(struct tern_app *app);

/**
 * Worker's lcore: false once the run is to end. Cheap: call it every
 * round. On the main lcore (no worker lcore) it also runs the control
 * round about every millisecond.
 */
TERN_API bool tern_app_running(struct tern_app_worker *w);

/** The worker's context (NULL once destroyed). */
TERN_API struct tern_ctx *tern_app_worker_ctx(const struct tern_app_worker *w);

/** The worker's index, 0..tern_app_nb_workers() - 1: also its queue. */
TERN_API unsigned int tern_app_worker_index(const struct tern_app_worker *w);

/** The worker's lcore. */
TERN_API unsigned int tern_app_worker_lcore(const struct tern_app_worker *w);

/** The application of worker @p w. */
TERN_API struct tern_app *tern_app_worker_app(const struct tern_app_worker *w);

/** Worker @p i, or NULL. */
TERN_API struct tern_app_worker *tern_app_worker(const struct tern_app *app, unsigned int i);

/** Say why worker @p w failed (printf-like); printed by tern_app_run(). */
TERN_API void tern_app_worker_error(struct tern_app_worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Counters of worker @p i's context into @p st: live (read in a control
 * round: torn reads possible) while it runs, final once it is destroyed.
 * @return 0, or -EINVAL (no such worker), -ENOENT (no context yet).
 */
TERN_API int tern_app_worker_stats(const struct tern_app *app, unsigned int i,
				   struct tern_stats *st);

/** Every worker's counters (tern_app_worker_stats()) summed into @p sum. */
TERN_API void tern_app_stats_sum(const struct tern_app *app, struct tern_stats *sum);

/**
 * Print each port's own counters (tern_dev_port_stats()) to @p f, a line
 * "NAME: port P: ipackets=N opackets=N ..." per port.
 */
TERN_API void tern_app_print_port_stats(const struct tern_app *app, FILE *f);

/**
 * Tear everything down: the capture (its count printed), with --port-stats
 * the port counters, the network, the devices and their pools, the file,
 * and rte_eal_cleanup() if tern_app_init() ran rte_eal_init(). The workers
 * must have returned (tern_app_run()). Safe on NULL.
 */
TERN_API void tern_app_fini(struct tern_app *app);

#ifdef __cplusplus
}
#endif

#endif /* TERN_APP_H */
