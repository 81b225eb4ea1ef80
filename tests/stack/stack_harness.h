/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef STACK_HARNESS_H
#define STACK_HARNESS_H

/*
 * The two-stack harness of the deterministic protocol tests: two contexts,
 * A and B, each with its own tern_net, virtual device and mbuf pool, wired
 * output to input. A is 10.0.0.1/24 and fd00::1/64, B is 10.0.0.2/24 and
 * fd00::2/64, and each is a permanent neighbor of the other, so nothing
 * resolves. Both run on manual clocks that only harness_run() moves, in
 * steps, so a test reads like an RFC clause: send this, run 200 ms, expect
 * that. Each direction can be impaired (lib/core/impair.c, applied where
 * the packets leave: A->B on A's transmit path, counted in A's counters).
 *
 * What a context sends is queued on the "wire" by its device callback and
 * delivered to the other context by harness_run(), never from inside the
 * callback: a context is not re-entered while it flushes.
 *
 * cmocka.h needs these four headers first; include this header before it.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

#define HARNESS_MS		(1000ULL * 1000)
#define HARNESS_STEP_NS		HARNESS_MS	/* one clock step: the timer tick */
#define HARNESS_POOL_SIZE	16383		/* mbufs in each side's pool */

/* The sides. */
enum harness_side {
	HARNESS_A,
	HARNESS_B,
	HARNESS_NB_SIDES,
};

struct harness;

/*
 * Start the EAL for test binary @name: no hugepages, no PCI, no shared
 * config, 1 GB of memory (two tern_nets' route tables take ~260 MB), a file
 * prefix unique to this process. Call once from main(). @return 0 or -1.
 */
int harness_eal_init(const char *name);
/* harness_eal_init() with @mb megabytes of memory instead of 1024. */
int harness_eal_init_mem(const char *name, unsigned int mb);
/* Clean up the EAL (and its run-time directory). Call at the end of main(). */
void harness_eal_fini(void);

/*
 * A seed for a test: TERN_TEST_SEED from the environment if set, else @def.
 * Printed, so that a failure can be replayed.
 */
uint64_t harness_seed(const char *test, uint64_t def);

/*
 * Build A and B, with @a_to_b impairing what A sends and @b_to_a what B
 * sends (NULL: none). The impairments, seeds included, are printed.
 * @return the harness, or NULL (a message says why; nothing is left over).
 */
struct harness *harness_create(const struct tern_impair_param *a_to_b,
			       const struct tern_impair_param *b_to_a);

/* harness_create() with TCP settings @tcp for both contexts (NULL: defaults). */
struct harness *harness_create_tcp(const struct tern_impair_param *a_to_b,
				   const struct tern_impair_param *b_to_a,
				   const struct tern_tcp_config *tcp);

/*
 * Tear everything down: contexts (and what they hold), networks, devices,
 * packets on the wire, then the pools. @return 0 if every mbuf of both pools
 * had come back, -1 if not (a message says how many). Safe on NULL (0).
 */
int harness_destroy(struct harness *h);

/*
 * Start again on the same nets, devices and pools (cheaper than a new
 * harness: a tern_net's route tables are large): destroy both contexts and
 * what is on the wire, check that every mbuf came back, then create two
 * fresh contexts with TCP settings @tcp (NULL: defaults) and no impairment,
 * their clocks at harness_now(). The tap stays. @return 0, or -1 if mbufs
 * were missing (a message says how many; the new contexts are there all
 * the same) or a context could not be created (then there is none).
 */
int harness_reset(struct harness *h, const struct tern_tcp_config *tcp);

/* Mbufs in each pool of the harnesses built from now on (0: HARNESS_POOL_SIZE). */
void harness_set_pool_size(unsigned int n);

/*
 * Hold every frame on the wire for @ns (both directions, in order, no
 * limit on what is held, unlike the impairment layer's delay): a long
 * fat pipe. 0: deliver at the next settle, as by default.
 */
void harness_set_wire_delay(struct harness *h, uint64_t ns);

/* Impair what side @from sends from now on (NULL: stop), seed restarted. */
void harness_set_impair(struct harness *h, enum harness_side from,
			const struct tern_impair_param *p);

/*
 * Advance both clocks by @ns in steps of HARNESS_STEP_NS (the last one may be
 * shorter); after each step, and before the first, deliver what is on the
 * wire and poll both contexts until nothing moves. @ns 0: only that.
 */
void harness_run(struct harness *h, uint64_t ns);

/* Time of both clocks (they move together), ns since harness_create(). */
uint64_t harness_now(const struct harness *h);

struct tern_ctx *harness_ctx(const struct harness *h, enum harness_side s);
struct rte_mempool *harness_pool(const struct harness *h, enum harness_side s);
/* The side's counters. */
struct tern_stats harness_stats(const struct harness *h, enum harness_side s);
/* Frames side @s put on the wire so far (before the other side's input). */
uint64_t harness_frames_sent(const struct harness *h, enum harness_side s);

/*
 * TSC cycles (rte_rdtsc()) side @s spent so far in tern_ctx_input() of the
 * frames the harness delivered to it (its output flush included, what
 * happens after the input in tern_ctx_poll() excluded): for benchmarks.
 */
uint64_t harness_side_cycles(const struct harness *h, enum harness_side s);

/*
 * a.b.c.d in network byte order. Not DPDK's RTE_IPV4(): it shifts an int,
 * so a first byte >= 128 shifts into the sign bit (undefined behaviour).
 */
tern_ip4_t harness_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

/* Addresses of a side, for family 4 or 6, port @port (host order). */
struct tern_sockaddr harness_addr(enum harness_side s, uint8_t family, uint16_t port);

/*
 * Whether both pools hold as many mbufs as when the harness was built
 * (prints the difference if not). Meaningful once the test freed what it
 * took and the contexts hold nothing (tern_ctx_pending() is 0).
 */
bool harness_pools_back(const struct harness *h);

/* The MAC address of side @s. */
struct rte_ether_addr harness_mac(enum harness_side s);

/*
 * A tap on the wire: called for every frame side @from put on the wire, in
 * order, when the harness delivers it to the other side (so after @from's
 * transmit impairment), at virtual time @now_ns. The frame starts at its
 * Ethernet header. @return true to drop the frame (the harness frees it),
 * false to deliver it. The tap must not call into the contexts.
 */
typedef bool (*harness_tap_fn)(void *arg, enum harness_side from, struct rte_mbuf *m,
			       uint64_t now_ns);

/* Install tap @fn with @arg on both directions (NULL: none, the default). */
void harness_set_tap(struct harness *h, harness_tap_fn fn, void *arg);

/*
 * Hand frame @m (Ethernet header first, from side @to's pool or any other)
 * to side @to's input as if it came off the wire, then deliver and poll
 * until nothing moves (harness_run(h, 0)).
 */
void harness_inject(struct harness *h, enum harness_side to, struct rte_mbuf *m);

/*
 * harness_inject() for a burst: frames @pkts[0..@n) go to side @to's input
 * in one call (one input burst: what TCP coalesces or answers together),
 * then deliver and poll until nothing moves. @n at most TERN_RX_BURST.
 */
void harness_inject_burst(struct harness *h, enum harness_side to, struct rte_mbuf **pkts,
			  uint16_t n);

/*
 * Offloads (TERN_CAP_*) side @s's virtual device claims in the harnesses
 * built from now on; 0, the default: none. Such a side's wire does what a
 * NIC with them does to what the side sends, and checks that it is asked
 * only what DPDK's offload contract allows (rte_mbuf_core.h):
 *
 * - the IPv4 header checksum (RTE_MBUF_F_TX_IP_CKSUM) and the TCP or UDP
 *   checksum (RTE_MBUF_F_TX_TCP_CKSUM, _UDP_CKSUM: the field holds the
 *   pseudo-header sum) are finished;
 * - a TSO send (RTE_MBUF_F_TX_TCP_SEG) is cut into packets of tso_segsz
 *   payload bytes: headers (l2_len + l3_len + l4_len) copied to each, the
 *   sequence number advanced, the IP length set and, for IPv4, the packet
 *   id incremented and the header checksum computed, FIN and PSH only on
 *   the last piece, the TCP checksum computed from the pseudo-header sum
 *   without length in the field, plus the piece's length;
 * - every frame it puts on the wire fits the device MTU.
 *
 * A breach (an offload the device does not claim, a multi-segment packet
 * without TERN_CAP_TX_MULTISEG, an IPv4 TSO send without
 * RTE_MBUF_F_TX_IP_CKSUM, lengths that do not match the headers, a frame
 * over the MTU) is printed and counted, and fails the next harness_run().
 */
void harness_set_dev_caps(enum harness_side s, uint32_t caps);

/* What crossed the wire of one side (harness_wire_stats()). */
struct harness_wire_stats {
	uint64_t frames;	/* put on the wire (after TSO: the pieces) */
	uint64_t tso_sends;	/* TSO sends the wire cut (offloading sides) */
	uint64_t tso_pieces;	/* packets they made */
	uint64_t cksums;	/* L4 checksums finished for the sender */
	uint32_t max_l3;	/* largest frame, Ethernet header excluded, bytes */
	uint64_t errors;	/* breaches of the offload contract or the MTU */
};

/* What side @s's wire carried so far. */
struct harness_wire_stats harness_wire_stats(const struct harness *h, enum harness_side s);

#endif /* STACK_HARNESS_H */
