/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */

/*
 * tern-l4fwd: counters summed over the workers, printed every
 * --stats-interval and at exit. The final block uses tern-hello's format
 * ("  name  value  description" under "counters (final):") so the test
 * scripts read both programs the same way.
 */

#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>

#include "l4fwd.h"

static const char *const family_name[L4FWD_NB_FAMILIES] = { "ipv4", "ipv6" };

void
l4fwd_stats_sum(const struct l4fwd_app *app, struct l4fwd_stats *sum)
{
	unsigned int i;
	int f;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < app->nb_workers; i++) {
		const struct l4fwd_stats *s = &app->w[i].st;

		for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
			sum->c[f].rx_dgrams += s->c[f].rx_dgrams;
			sum->c[f].rx_bytes += s->c[f].rx_bytes;
			sum->c[f].tx_dgrams += s->c[f].tx_dgrams;
			sum->c[f].tx_bytes += s->c[f].tx_bytes;
		}
		sum->d.send_failed += s->d.send_failed;
		sum->d.no_mbuf += s->d.no_mbuf;
		sum->d.no_client += s->d.no_client;
		sum->d.no_backend += s->d.no_backend;
		sum->t.opened += s->t.opened;
		sum->t.done += s->t.done;
		sum->t.closed += s->t.closed;
		sum->t.errors += s->t.errors;
		sum->t.bad_segs += s->t.bad_segs;
		sum->t.pumped += s->t.pumped;
	}
}

/*
 * The stack's counters summed over the contexts: live ones (read from the
 * main lcore, torn reads possible) or those saved when the contexts closed.
 */
void
l4fwd_lib_sum(const struct l4fwd_app *app, bool final, struct tern_stats *sum)
{
	struct tern_stats st;
	unsigned int i, k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < app->nb_workers; i++) {
		const struct l4fwd_worker *w = &app->w[i];

		if (final)
			st = w->lib_final;
		else if (w->ctx != NULL)
			tern_ctx_stats(w->ctx, &st);
		else
			continue;
		for (k = 0; k < TERN_STATS_COUNT; k++)
			((uint64_t *)sum)[k] += tern_stats_value(&st, k);
	}
}

static struct l4fwd_counts
total(const struct l4fwd_stats *s)
{
	struct l4fwd_counts t = { 0 };
	int f;

	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		t.rx_dgrams += s->c[f].rx_dgrams;
		t.rx_bytes += s->c[f].rx_bytes;
		t.tx_dgrams += s->c[f].tx_dgrams;
		t.tx_bytes += s->c[f].tx_bytes;
	}
	return t;
}

/* "name=value" for every non-zero drop counter, the application's and the stack's. */
static void
print_drops(const struct l4fwd_drops *d, const struct tern_stats *lib)
{
	static const char *const prefix = L4FWD_NAME ":   drops:";
	const struct {
		const char *name;
		uint64_t v;
	} app[] = {
		{ "send_failed", d->send_failed },
		{ "no_mbuf", d->no_mbuf },
		{ "no_client", d->no_client },
		{ "no_backend", d->no_backend },
	};
	unsigned int i;
	bool any = false;

	for (i = 0; i < RTE_DIM(app); i++) {
		if (app[i].v == 0)
			continue;
		printf("%s %s=%" PRIu64, any ? "" : prefix, app[i].name, app[i].v);
		any = true;
	}
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		uint64_t v = tern_stats_value(lib, i);

		if (v == 0 || strncmp(tern_stats_name(i), "drop_", 5) != 0)
			continue;
		printf("%s %s=%" PRIu64, any ? "" : prefix, tern_stats_name(i), v);
		any = true;
	}
	if (any)
		printf("\n");
}

void
l4fwd_print_interval(struct l4fwd_app *app, uint64_t now_tsc)
{
	struct l4fwd_stats cur;
	struct l4fwd_counts t, p;
	struct tern_stats lib;
	double secs = (double)(now_tsc - app->last_stats_tsc) / (double)app->hz;
	double at = (double)(now_tsc - app->start_tsc) / (double)app->hz;

	if (secs <= 0)
		return;
	l4fwd_stats_sum(app, &cur);
	l4fwd_lib_sum(app, false, &lib);
	t = total(&cur);
	p = total(&app->last);
	printf("%s: [%8.2fs] rx %" PRIu64 " dgrams %" PRIu64 " bytes %.3f Mpps %.1f Mbit/s"
	       " | tx %" PRIu64 " dgrams %" PRIu64 " bytes %.3f Mpps %.1f Mbit/s\n",
	       L4FWD_NAME, at,
	       t.rx_dgrams - p.rx_dgrams, t.rx_bytes - p.rx_bytes,
	       (double)(t.rx_dgrams - p.rx_dgrams) / secs / 1e6,
	       (double)(t.rx_bytes - p.rx_bytes) * 8 / secs / 1e6,
	       t.tx_dgrams - p.tx_dgrams, t.tx_bytes - p.tx_bytes,
	       (double)(t.tx_dgrams - p.tx_dgrams) / secs / 1e6,
	       (double)(t.tx_bytes - p.tx_bytes) * 8 / secs / 1e6);
	print_drops(&cur.d, &lib);
	fflush(stdout);
	app->last = cur;
	app->last_stats_tsc = now_tsc;
}

void
l4fwd_print_final(const struct l4fwd_app *app)
{
	struct l4fwd_stats s;
	struct l4fwd_counts t;
	struct tern_stats lib;
	struct tern_dev_port_stats ps;
	unsigned int i;
	double secs;
	int f;

	l4fwd_stats_sum(app, &s);
	l4fwd_lib_sum(app, true, &lib);
	t = total(&s);
	printf("%s: final rx_dgrams=%" PRIu64 " tx_dgrams=%" PRIu64 " rx_bytes=%" PRIu64
	       " tx_bytes=%" PRIu64 "\n", L4FWD_NAME, t.rx_dgrams, t.tx_dgrams, t.rx_bytes,
	       t.tx_bytes);
	for (f = 0; f < L4FWD_NB_FAMILIES; f++) {
		if (!app->o.have_addr[f])
			continue;
		printf("%s: %s rx_dgrams=%" PRIu64 " tx_dgrams=%" PRIu64 " rx_bytes=%" PRIu64
		       " tx_bytes=%" PRIu64 "\n", L4FWD_NAME, family_name[f],
		       s.c[f].rx_dgrams, s.c[f].tx_dgrams, s.c[f].rx_bytes, s.c[f].tx_bytes);
	}
	for (i = 0; app->nb_workers > 1 && i < app->nb_workers; i++) {
		const struct l4fwd_worker *w = &app->w[i];
		const struct tern_stats *ls = &w->lib_final;
		struct tern_dev_dispatch_stats ds;

		printf("%s: worker %u lcore %u queue %u rx_dgrams=%" PRIu64 " tx_dgrams=%" PRIu64
		       " rx_pkts=%" PRIu64 " tx_pkts=%" PRIu64, L4FWD_NAME, i, w->lcore, w->queue,
		       w->st.c[L4FWD_V4].rx_dgrams + w->st.c[L4FWD_V6].rx_dgrams,
		       w->st.c[L4FWD_V4].tx_dgrams + w->st.c[L4FWD_V6].tx_dgrams,
		       ls->rx_pkts, ls->tx_pkts);
		if (app->o.tcp)
			printf(" opened=%" PRIu64 " done=%" PRIu64 " errors=%" PRIu64
			       " tcp_passive_opens=%" PRIu64 " tcp_active_opens=%" PRIu64
			       " tcp_conn_established=%" PRIu64 " tcp_out_rsts=%" PRIu64
			       " drop_tcp_noport=%" PRIu64 " drop_tcp_listen_bad=%" PRIu64
			       " drop_tcp_syn_sent_bad=%" PRIu64, w->st.t.opened, w->st.t.done,
			       w->st.t.errors, ls->tcp_passive_opens, ls->tcp_active_opens,
			       ls->tcp_conn_established, ls->tcp_out_rsts, ls->drop_tcp_noport,
			       ls->drop_tcp_listen_bad, ls->drop_tcp_syn_sent_bad);
		if (tern_dev_steering(app->dev) == TERN_STEER_SW &&
		    tern_dev_dispatch_stats(app->dev, w->queue, &ds) == 0)
			printf(" disp_rx=%" PRIu64 " disp_kept=%" PRIu64 " disp_passed=%" PRIu64
			       " disp_ring_full=%" PRIu64 " disp_from_ring=%" PRIu64
			       " disp_tx_ring=%" PRIu64, ds.rx, ds.kept, ds.passed, ds.ring_full,
			       ds.from_ring, ds.tx_ring);
		printf("\n");
	}
	secs = (double)(app->stop_tsc - app->start_tsc) / (double)app->hz;
	if (secs > 0)
		printf("%s: %.2f s: rx %.3f Mpps %.1f Mbit/s, tx %.3f Mpps %.1f Mbit/s\n",
		       L4FWD_NAME, secs, (double)t.rx_dgrams / secs / 1e6,
		       (double)t.rx_bytes * 8 / secs / 1e6, (double)t.tx_dgrams / secs / 1e6,
		       (double)t.tx_bytes * 8 / secs / 1e6);
	if (app->o.tcp)
		printf("%s: tcp opened=%" PRIu64 " done=%" PRIu64 " closed=%" PRIu64
		       " errors=%" PRIu64 " bad_segs=%" PRIu64 " pumped=%" PRIu64 "\n", L4FWD_NAME,
		       s.t.opened, s.t.done, s.t.closed, s.t.errors, s.t.bad_segs, s.t.pumped);
	print_drops(&s.d, &lib);
	printf("%s: counters (final):\n", L4FWD_NAME);
	for (i = 0; i < TERN_STATS_COUNT; i++) {
		uint64_t v = tern_stats_value(&lib, i);

		if (v != 0)
			printf("  %-24s %12" PRIu64 "  %s\n", tern_stats_name(i), v,
			       tern_stats_desc(i));
	}
	/* the port's own, below tern: what it dropped never reached a counter above */
	if (tern_dev_port_stats(app->dev, &ps) == 0) {
#define PORT_LINE(f, d)	printf("  %-24s %12" PRIu64 "  %s\n", "port_" #f, ps.f, d);
		TERN_DEV_PORT_STATS(PORT_LINE)
#undef PORT_LINE
	}
	fflush(stdout);
}
