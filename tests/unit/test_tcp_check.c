/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The connection invariants of lib/tcp/tcp_check.c (tcp_stream_check(),
 * what TCP_CHECK() asserts in the sanitizer build and the fuzz harnesses
 * check after every step): a consistent connection passes, and each broken
 * rule is reported as itself. The connection is built by hand (the checker
 * reads only the control block and its segments): three segments of 100
 * bytes from SND.UNA 1000, the first marked lost and resent, the second
 * SACKed, the third in flight.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "test_common.h"

#include "tern_tcp_priv.h"

#define UNA	1000u
#define LEN	100u

struct conn {
	struct tern_tcp_stream s;
	struct tcp_rec rec;
	struct tern_tcp_seg seg[3];
};

static void
conn_build(struct conn *c)
{
	struct tern_tcp_stream *s = &c->s;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	s->state = TERN_TCP_ESTABLISHED;
	s->tf = TF_SACK_OK;
	s->snd_una = UNA;
	s->snd_nxt = UNA + 3 * LEN;
	s->snd_max = UNA + 3 * LEN;
	s->rcv_nxt = 5000;
	s->rcv_adv = 6000;
	s->rec = &c->rec;
	tcp_rtxq_init(&s->rec->rtxq);
	for (i = 0; i < 3; i++) {
		c->seg[i].seq = UNA + i * LEN;
		c->seg[i].len = LEN;
		assert_int_equal(tcp_rtxq_insert(&s->rec->rtxq, &c->seg[i]), 0);
	}
	s->rtxq_bytes = 3 * LEN;
	/* 0: lost, resent (on the sent list); 1: SACKed; 2: in flight (sent list) */
	c->seg[0].flags = TERN_TCP_SEG_LOST | TERN_TCP_SEG_RTX_OUT | TERN_TCP_SEG_ON_LIST;
	c->seg[1].flags = TERN_TCP_SEG_SACKED;
	c->seg[2].flags = TERN_TCP_SEG_ON_LIST;
	s->rec->sent_head = &c->seg[2];
	c->seg[2].tnext = &c->seg[0];
	c->seg[0].tprev = &c->seg[2];
	s->rec->sent_tail = &c->seg[0];
	s->rec->lost_out = LEN;
	s->rec->retrans_out = LEN;
	s->rec->sacked_out = LEN;
	s->tmr[TCP_T_RTX] = 1;
}

static void
test_check_consistent_connection_passes(void **state)
{
	struct conn c;

	(void)state;
	conn_build(&c);
	assert_int_equal(tcp_stream_check(&c.s), 0);
	/* a FIN taken at a zero window: RCV.NXT one past the advertised edge */
	c.s.rcv_nxt = c.s.rcv_adv + 1;
	assert_int_equal(tcp_stream_check(&c.s), 0);
}

static void
test_check_reports_each_broken_rule(void **state)
{
	struct conn c;

	(void)state;
	conn_build(&c);
	c.s.snd_nxt = UNA - 1;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_SND_ORDER);

	conn_build(&c);
	c.s.snd_una = UNA + 1;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_RTXQ_SPAN);

	conn_build(&c);
	c.s.rtxq_bytes = 2 * LEN;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_RTXQ_BYTES);

	conn_build(&c);
	c.s.rec->sacked_out = 2 * LEN;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_SACKED);

	conn_build(&c);
	c.seg[2].flags |= TERN_TCP_SEG_LOST;	/* marked, not counted */
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_LOST);

	conn_build(&c);
	c.s.rec->retrans_out = 0;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_RETRANS);

	conn_build(&c);
	c.seg[1].flags |= TERN_TCP_SEG_LOST;	/* SACKed and lost */
	c.s.rec->lost_out += LEN;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_MARKS);

	conn_build(&c);
	c.s.rec->sent_head = &c.seg[0];		/* seg 2 dropped off the list */
	c.seg[0].tprev = NULL;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_LISTS);

	conn_build(&c);
	c.s.rec->lost_out = 3 * LEN;			/* more lost than sent */
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_PIPE);

	conn_build(&c);
	c.s.rcv_nxt = c.s.rcv_adv + 2;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_RCV_WND);

	conn_build(&c);
	c.s.rcvq_bytes = 10;			/* the receive queue is empty */
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_RCVQ);

	conn_build(&c);
	c.s.sndq_bytes = 10;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_SNDQ);

	conn_build(&c);
	c.s.tmr[TCP_T_RTX] = 0;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_TIMER);

	conn_build(&c);
	c.seg[1].seq = UNA + LEN / 2;		/* overlaps segment 0 */
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_RTXQ);

	conn_build(&c);
	c.s.state = 200;
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_STATE);
	assert_string_not_equal(tcp_check_rule(-TCP_CHK_TIMER), "?");

	/* without a loss-recovery block: nothing in the queue, no recovery on */
	memset(&c, 0, sizeof(c));
	c.s.state = TERN_TCP_ESTABLISHED;
	c.s.snd_una = c.s.snd_nxt = c.s.snd_max = UNA;
	c.s.rec = (struct tcp_rec *)(uintptr_t)&tcp_rec_none;
	assert_false(tcp_has_rec(&c.s));
	assert_int_equal(tcp_stream_check(&c.s), 0);
	c.s.snd_max = c.s.snd_nxt = UNA + LEN;
	c.s.rtxq_bytes = LEN;			/* counted, in no queue */
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_REC);
	c.s.snd_max = c.s.snd_nxt = UNA;
	c.s.rtxq_bytes = 0;
	c.s.tf |= TF_IN_RECOVERY;		/* PRR would write to tcp_rec_none */
	assert_int_equal(tcp_stream_check(&c.s), -TCP_CHK_REC);
	assert_string_not_equal(tcp_check_rule(-TCP_CHK_REC), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_consistent_connection_passes),
		cmocka_unit_test(test_check_reports_each_broken_rule),
	};

	return cmocka_run_group_tests_name("tcp_check", tests, NULL, NULL);
}
