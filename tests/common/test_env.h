/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
#ifndef TERN_TEST_ENV_H
#define TERN_TEST_ENV_H

/*
 * A context under test for the net-layer unit tests: a tern_net, a virtual
 * device whose tx callback captures what is sent, and a tern_ctx on a manual
 * clock. Also byte helpers and reference checksums (RFC 1071), written here
 * independently of the library, for building and checking frames.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "test_common.h"

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <tern/tern.h>

/* most frames a test_env can capture; each env may set a lower cap_max */
#define TEST_ENV_CAP_MAX	256
/* cap_max when test_env_param.cap_max is 0 */
#define TEST_ENV_CAP_DEFAULT	64

struct test_env {
	struct tern_net *net;
	struct tern_dev *dev;
	struct tern_ctx *ctx;
	struct rte_mbuf *cap[TEST_ENV_CAP_MAX];	/* frames sent, in order */
	unsigned int cap_max;			/* frames kept before counting cap_lost */
	unsigned int nb_cap;
	unsigned int cap_lost;
	bool discard;				/* free what is sent, only count it */
	unsigned int nb_sent;
};

struct test_env_param {
	const char *name;		/* device name */
	struct rte_ether_addr mac;
	uint16_t mtu;			/* 0: default */
	uint32_t caps;			/* device capabilities */
	uint16_t vlan_id;		/* of the interface; 0: untagged */
	bool no_reassembly;
	uint32_t frag_mem_max;
	uint32_t frag_max_datagrams;
	uint64_t frag_timeout_ns;
	unsigned int cap_max;		/* 0: TEST_ENV_CAP_DEFAULT */
	bool mark_pool;			/* tern_test_pool_mark() before creating anything */
};

/*
 * Zero @e, then create its net, its virtual device (capturing into @e) and
 * interface 0 on it, as @p says. Add addresses and neighbors, then call
 * test_env_start(). @return 0, or -1 (close @e then).
 */
int test_env_open(struct test_env *e, const struct test_env_param *p);

/* Create @e's context (manual clock). @return 0, or -1. */
int test_env_start(struct test_env *e);

/* Free everything and zero @e; safe on a partly built or already closed env. */
void test_env_close(struct test_env *e);

/* cmocka teardown for a calloc'd test_env in *@state: close and free it. */
int test_env_teardown(void **state);

/* End of a test: nothing lost, @e closed, every mbuf back in the pool. */
void test_env_finish(struct test_env *e);

/* The tx callback of the device: keep up to cap_max frames (unless discard). */
void test_env_tx(void *arg, struct rte_mbuf **pkts, uint16_t n);

/* Free the captured frames. */
void test_env_cap_clear(struct test_env *e);

/* Copy captured frame @i into @buf (@size bytes). @return its length. */
size_t test_env_cap_copy(const struct test_env *e, unsigned int i, uint8_t *buf, size_t size);

/* Feed one frame on port 0 and flush what the context answers. */
void test_env_send(struct test_env *e, const uint8_t *f, size_t len);

/* The context's counters now. */
struct tern_stats test_env_stats(const struct test_env *e);

/* a macro, so that a failure names the caller's line */
#define assert_mac_equal(a, b) \
	assert_memory_equal((a)->addr_bytes, (b)->addr_bytes, RTE_ETHER_ADDR_LEN)

/* ---- bytes and reference checksums, independent of the library ---- */

#define TEST_ETH_LEN	14

/* a.b.c.d in network byte order */
tern_ip4_t test_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

void put16(uint8_t *p, uint16_t v);
uint16_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);

/* RFC 1071 one's complement sum of big-endian words added to @sum, folded; host order. */
uint16_t ref_sum(const uint8_t *p, size_t len, uint32_t sum);

/* RFC 1071 checksum of @len bytes; host order. */
uint16_t ref_cksum(const uint8_t *p, size_t len);

/* Sum of the IPv6 pseudo-header (RFC 8200 8.1) for @len bytes of @nh. */
uint16_t ref_phdr6(const struct tern_ip6 *src, const struct tern_ip6 *dst, uint8_t nh,
		   uint32_t len);

/* ICMPv6 checksum of @msg (@len bytes) from @src to @dst; host order. */
uint16_t ref_icmp6_cksum(const struct tern_ip6 *src, const struct tern_ip6 *dst,
			 const uint8_t *msg, size_t len);

/* Ethernet header @src -> @dst, EtherType @type. @return its length. */
size_t test_eth_hdr(uint8_t *f, const struct rte_ether_addr *dst,
		    const struct rte_ether_addr *src, uint16_t type);

#endif /* TERN_TEST_ENV_H */
