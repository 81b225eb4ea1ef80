/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * The TCP retransmit queue: a red-black tree of segments ordered by sequence
 * number. The tree follows the textbook algorithm (Cormen, Leiserson, Rivest
 * and Stein, "Introduction to Algorithms", chapter 13), with NULL pointers as
 * the black leaves instead of a sentinel node: the delete fix-up therefore
 * carries the parent of the node it works on, which may be NULL.
 *
 * Invariants (tcp_rtxq_check() verifies them):
 *  1. every node is red or black;
 *  2. the root is black;
 *  3. the leaves (NULL) are black;
 *  4. a red node has two black children;
 *  5. every path from a node down to a leaf meets the same number of black
 *     nodes.
 * Hence the height is at most 2 log2(n + 1).
 *
 * Colour lives in bit 0 of parent_color (nodes are pointer aligned, so the
 * bit is free): 0 red, 1 black.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcp_rtxq.h"

#define RB_RED		0u
#define RB_BLACK	1u
#define RB_COLOR_MASK	((uintptr_t)1)

/* ---------------------------------------------------------------------- */
/* Node accessors */

static inline struct tern_rb_node *
rb_parent(const struct tern_rb_node *n)
{
	return (struct tern_rb_node *)(n->parent_color & ~RB_COLOR_MASK);
}

static inline unsigned int
rb_color(const struct tern_rb_node *n)
{
	return (unsigned int)(n->parent_color & RB_COLOR_MASK);
}

/* NULL leaves are black. */
static inline bool
rb_is_red(const struct tern_rb_node *n)
{
	return n != NULL && rb_color(n) == RB_RED;
}

static inline bool
rb_is_black(const struct tern_rb_node *n)
{
	return !rb_is_red(n);
}

static inline void
rb_set_parent(struct tern_rb_node *n, struct tern_rb_node *p)
{
	n->parent_color = (uintptr_t)p | (n->parent_color & RB_COLOR_MASK);
}

static inline void
rb_set_color(struct tern_rb_node *n, unsigned int color)
{
	n->parent_color = (n->parent_color & ~RB_COLOR_MASK) | color;
}

static inline struct tern_tcp_seg *
seg_of(const struct tern_rb_node *n)
{
	if (n == NULL)
		return NULL;
	return (struct tern_tcp_seg *)((uintptr_t)n - offsetof(struct tern_tcp_seg, rb));
}

/* ---------------------------------------------------------------------- */
/* Structure changes */

/* Put @v where @u hangs from its parent (or at the root); @v may be NULL. */
static void
rb_replace_child(struct tern_tcp_rtxq *q, struct tern_rb_node *u, struct tern_rb_node *v)
{
	struct tern_rb_node *p = rb_parent(u);

	if (p == NULL)
		q->root = v;
	else if (p->left == u)
		p->left = v;
	else
		p->right = v;
	if (v != NULL)
		rb_set_parent(v, p);
}

/*
 *     x               y
 *    / \             / \
 *   a   y    ->     x   c
 *      / \         / \
 *     b   c       a   b
 */
static void
rb_rotate_left(struct tern_tcp_rtxq *q, struct tern_rb_node *x)
{
	struct tern_rb_node *y = x->right;

	x->right = y->left;
	if (y->left != NULL)
		rb_set_parent(y->left, x);
	rb_replace_child(q, x, y);
	y->left = x;
	rb_set_parent(x, y);
}

/* The mirror image of rb_rotate_left(). */
static void
rb_rotate_right(struct tern_tcp_rtxq *q, struct tern_rb_node *x)
{
	struct tern_rb_node *y = x->left;

	x->left = y->right;
	if (y->right != NULL)
		rb_set_parent(y->right, x);
	rb_replace_child(q, x, y);
	y->right = x;
	rb_set_parent(x, y);
}

/*
 * Restore the invariants after red node @z was hung under a leaf position.
 * Only rule 4 (red parent) or rule 2 (red root) can be broken.
 */
static void
rb_insert_fixup(struct tern_tcp_rtxq *q, struct tern_rb_node *z)
{
	struct tern_rb_node *p, *g, *u;

	while (rb_is_red(p = rb_parent(z))) {
		/* p is red, so it is not the root: g exists and is black. */
		g = rb_parent(p);
		if (p == g->left) {
			u = g->right;
			if (rb_is_red(u)) {
				/* Case 1: recolour, move the problem two levels up. */
				rb_set_color(p, RB_BLACK);
				rb_set_color(u, RB_BLACK);
				rb_set_color(g, RB_RED);
				z = g;
				continue;
			}
			if (z == p->right) {
				/* Case 2: turn into case 3. */
				rb_rotate_left(q, p);
				z = p;
				p = rb_parent(z);
			}
			/* Case 3: rotate g down to the right; done. */
			rb_set_color(p, RB_BLACK);
			rb_set_color(g, RB_RED);
			rb_rotate_right(q, g);
		} else {
			u = g->left;
			if (rb_is_red(u)) {
				rb_set_color(p, RB_BLACK);
				rb_set_color(u, RB_BLACK);
				rb_set_color(g, RB_RED);
				z = g;
				continue;
			}
			if (z == p->left) {
				rb_rotate_right(q, p);
				z = p;
				p = rb_parent(z);
			}
			rb_set_color(p, RB_BLACK);
			rb_set_color(g, RB_RED);
			rb_rotate_left(q, g);
		}
	}
	rb_set_color(q->root, RB_BLACK);
}

/*
 * Restore the invariants after a black node was taken out above @x: the
 * paths through @x lack one black node. @x may be a NULL leaf, so its
 * parent @xp is passed along. Returns the loop iterations (visits).
 */
static unsigned int
rb_erase_fixup(struct tern_tcp_rtxq *q, struct tern_rb_node *x, struct tern_rb_node *xp)
{
	struct tern_rb_node *w;
	unsigned int steps = 0;

	while (x != q->root && rb_is_black(x)) {
		steps++;
		/*
		 * x carries an extra black, so its sibling's subtree has black
		 * height at least 1: w is never NULL.
		 */
		if (x == xp->left) {
			w = xp->right;
			if (rb_is_red(w)) {
				/* Case 1: make the sibling black. */
				rb_set_color(w, RB_BLACK);
				rb_set_color(xp, RB_RED);
				rb_rotate_left(q, xp);
				w = xp->right;
			}
			if (rb_is_black(w->left) && rb_is_black(w->right)) {
				/* Case 2: take a black off both sides, move up. */
				rb_set_color(w, RB_RED);
				x = xp;
				xp = rb_parent(x);
				continue;
			}
			if (rb_is_black(w->right)) {
				/* Case 3: turn into case 4. */
				rb_set_color(w->left, RB_BLACK);
				rb_set_color(w, RB_RED);
				rb_rotate_right(q, w);
				w = xp->right;
			}
			/* Case 4: rotate a black into x's side; done. */
			rb_set_color(w, rb_color(xp));
			rb_set_color(xp, RB_BLACK);
			rb_set_color(w->right, RB_BLACK);
			rb_rotate_left(q, xp);
			x = q->root;
			break;
		} else {
			w = xp->left;
			if (rb_is_red(w)) {
				rb_set_color(w, RB_BLACK);
				rb_set_color(xp, RB_RED);
				rb_rotate_right(q, xp);
				w = xp->left;
			}
			if (rb_is_black(w->left) && rb_is_black(w->right)) {
				rb_set_color(w, RB_RED);
				x = xp;
				xp = rb_parent(x);
				continue;
			}
			if (rb_is_black(w->left)) {
				rb_set_color(w->right, RB_BLACK);
				rb_set_color(w, RB_RED);
				rb_rotate_left(q, w);
				w = xp->left;
			}
			rb_set_color(w, rb_color(xp));
			rb_set_color(xp, RB_BLACK);
			rb_set_color(w->left, RB_BLACK);
			rb_rotate_right(q, xp);
			x = q->root;
			break;
		}
	}
	if (x != NULL)
		rb_set_color(x, RB_BLACK);
	return steps;
}

/* ---------------------------------------------------------------------- */
/* Queue calls */

void
tcp_rtxq_init(struct tern_tcp_rtxq *q)
{
	memset(q, 0, sizeof(*q));
}

struct tern_tcp_seg *
tcp_rtxq_next(const struct tern_tcp_seg *s)
{
	const struct tern_rb_node *n = &s->rb;
	const struct tern_rb_node *p;

	if (n->right != NULL) {
		n = n->right;
		while (n->left != NULL)
			n = n->left;
		return seg_of(n);
	}
	/* Climb while coming up from a right child. */
	while ((p = rb_parent(n)) != NULL && n == p->right)
		n = p;
	return seg_of(p);
}

struct tern_tcp_seg *
tcp_rtxq_prev(const struct tern_tcp_seg *s)
{
	const struct tern_rb_node *n = &s->rb;
	const struct tern_rb_node *p;

	if (n->left != NULL) {
		n = n->left;
		while (n->right != NULL)
			n = n->right;
		return seg_of(n);
	}
	while ((p = rb_parent(n)) != NULL && n == p->left)
		n = p;
	return seg_of(p);
}

int
tcp_rtxq_insert(struct tern_tcp_rtxq *q, struct tern_tcp_seg *s)
{
	struct tern_rb_node *n = &s->rb;
	struct tern_rb_node *parent = NULL;
	struct tern_rb_node **link;
	struct tern_rb_node *cur;

	if (q->root == NULL) {
		/* the first node: the black root, both ends (what the general case comes to) */
		n->left = NULL;
		n->right = NULL;
		n->parent_color = RB_BLACK;
		q->root = n;
		q->first = s;
		q->last = s;
		q->nb = 1;
		return 0;
	}
	if (q->last != NULL && SEQ_LT(q->last->seq, s->seq)) {
		/*
		 * Above the highest: the highest node has no right child, and a
		 * descent from the root would end right there.
		 */
		q->visits++;
		parent = &q->last->rb;
		link = &parent->right;
	} else if (q->first != NULL && SEQ_LT(s->seq, q->first->seq)) {
		/* Below the lowest: the mirror image. */
		q->visits += 2;	/* last, then first */
		parent = &q->first->rb;
		link = &parent->left;
	} else {
		if (q->last != NULL)
			q->visits += 2;	/* the two cached nodes compared above */
		link = &q->root;
		while ((cur = *link) != NULL) {
			const struct tern_tcp_seg *c = seg_of(cur);

			q->visits++;
			parent = cur;
			if (SEQ_LT(s->seq, c->seq))
				link = &cur->left;
			else if (SEQ_LT(c->seq, s->seq))
				link = &cur->right;
			else
				return -EEXIST;
		}
	}

	n->left = NULL;
	n->right = NULL;
	n->parent_color = (uintptr_t)parent | RB_RED;
	*link = n;

	if (q->first == NULL || SEQ_LT(s->seq, q->first->seq))
		q->first = s;
	if (q->last == NULL || SEQ_LT(q->last->seq, s->seq))
		q->last = s;
	q->nb++;

	rb_insert_fixup(q, n);
	return 0;
}

struct tern_tcp_seg *
tcp_rtxq_find(struct tern_tcp_rtxq *q, uint32_t seq)
{
	const struct tern_rb_node *cur = q->root;

	while (cur != NULL) {
		struct tern_tcp_seg *c = seg_of(cur);

		q->visits++;
		if (SEQ_LT(seq, c->seq))
			cur = cur->left;
		else if (SEQ_IN(seq, c->seq, tcp_seg_end(c)))
			return c;
		else
			cur = cur->right;
	}
	return NULL;
}

struct tern_tcp_seg *
tcp_rtxq_find_ge(struct tern_tcp_rtxq *q, uint32_t seq)
{
	const struct tern_rb_node *cur;
	struct tern_tcp_seg *best = NULL;

	if (q->first == NULL)
		return NULL;
	/* Segments do not overlap, so their ends rise with their starts. */
	q->visits++;
	if (SEQ_GT(tcp_seg_end(q->first), seq))
		return q->first;
	q->visits++;
	if (SEQ_LEQ(tcp_seg_end(q->last), seq))
		return NULL;

	cur = q->root;
	while (cur != NULL) {
		struct tern_tcp_seg *c = seg_of(cur);

		q->visits++;
		if (SEQ_GT(tcp_seg_end(c), seq)) {
			best = c;
			cur = cur->left;
		} else {
			cur = cur->right;
		}
	}
	return best;
}

void
tcp_rtxq_unlink(struct tern_tcp_rtxq *q, struct tern_tcp_seg *s)
{
	struct tern_rb_node *z = &s->rb;
	struct tern_rb_node *x, *xp, *y;
	unsigned int removed_color;
	uint64_t visits = 1;

	if (q->nb == 1 && q->root == z) {
		/*
		 * The only node (request/response traffic's common case): the
		 * root, black, childless; what the general case below does for
		 * it, without the walks (one visit, no fix-up step).
		 */
		q->root = NULL;
		q->first = NULL;
		q->last = NULL;
		q->nb = 0;
		q->visits++;
		memset(z, 0, sizeof(*z));
		return;
	}
	/*
	 * The cached ends: the lowest node has no left child, so (rule 5) its
	 * right subtree is at most one red node, and its successor is that node
	 * or its parent: O(1). The same holds, mirrored, for the highest.
	 */
	if (q->first == s)
		q->first = tcp_rtxq_next(s);
	if (q->last == s)
		q->last = tcp_rtxq_prev(s);

	if (z->left == NULL) {
		removed_color = rb_color(z);
		x = z->right;
		xp = rb_parent(z);
		rb_replace_child(q, z, x);
	} else if (z->right == NULL) {
		removed_color = rb_color(z);
		x = z->left;
		xp = rb_parent(z);
		rb_replace_child(q, z, x);
	} else {
		/* Two children: y, the successor, takes z's place and colour. */
		y = z->right;
		visits++;
		while (y->left != NULL) {
			y = y->left;
			visits++;
		}
		removed_color = rb_color(y);
		x = y->right;
		if (rb_parent(y) == z) {
			xp = y;
		} else {
			xp = rb_parent(y);
			rb_replace_child(q, y, x);
			y->right = z->right;
			rb_set_parent(y->right, y);
		}
		rb_replace_child(q, z, y);
		y->left = z->left;
		rb_set_parent(y->left, y);
		rb_set_color(y, rb_color(z));
	}

	if (removed_color == RB_BLACK)
		visits += rb_erase_fixup(q, x, xp);

	q->nb--;
	q->visits += visits;
	memset(z, 0, sizeof(*z));
}

/* ---------------------------------------------------------------------- */
/* Validation */

/* No valid tree of at most 2^32 - 1 nodes is deeper than 2 log2(2^32) = 64. */
#define RTXQ_CHECK_MAX_DEPTH	64

struct rtxq_walk {
	const struct tern_tcp_seg *prev;	/* the last segment met in order */
	const struct tern_tcp_seg *lowest;
	uint64_t span;				/* lowest->seq to prev->seq, summed */
	uint64_t count;
};

/*
 * Check the subtree under @n (whose parent must be @parent), in order.
 * @return its black height (NULL leaves count 1), or a TERN_TCP_RTXQ_ERR_*.
 */
static int
check_subtree(const struct tern_rb_node *n, const struct tern_rb_node *parent, unsigned int depth,
	      struct rtxq_walk *w)
{
	const struct tern_tcp_seg *s;
	int lh, rh;

	if (n == NULL)
		return 1;
	if (depth > RTXQ_CHECK_MAX_DEPTH)
		return TERN_TCP_RTXQ_ERR_DEPTH;
	if (rb_parent(n) != parent)
		return TERN_TCP_RTXQ_ERR_PARENT;
	if (rb_is_red(n) && (rb_is_red(n->left) || rb_is_red(n->right)))
		return TERN_TCP_RTXQ_ERR_RED_RED;

	lh = check_subtree(n->left, n, depth + 1, w);
	if (lh < 0)
		return lh;

	s = seg_of(n);
	if (w->prev == NULL) {
		w->lowest = s;
	} else {
		if (!SEQ_LT(w->prev->seq, s->seq))
			return TERN_TCP_RTXQ_ERR_ORDER;
		if (SEQ_GT(tcp_seg_end(w->prev), s->seq))
			return TERN_TCP_RTXQ_ERR_OVERLAP;
		w->span += (uint32_t)(s->seq - w->prev->seq);
		if (w->span >= (UINT64_C(1) << 31))
			return TERN_TCP_RTXQ_ERR_SPAN;
	}
	w->prev = s;
	w->count++;

	rh = check_subtree(n->right, n, depth + 1, w);
	if (rh < 0)
		return rh;
	if (lh != rh)
		return TERN_TCP_RTXQ_ERR_BLACK_HEIGHT;
	return lh + (rb_is_black(n) ? 1 : 0);
}

int
tcp_rtxq_check(const struct tern_tcp_rtxq *q)
{
	struct rtxq_walk w = { .prev = NULL };
	int rc;

	if (q->root != NULL) {
		if (rb_parent(q->root) != NULL)
			return TERN_TCP_RTXQ_ERR_PARENT;
		if (rb_is_red(q->root))
			return TERN_TCP_RTXQ_ERR_ROOT_RED;
	}
	rc = check_subtree(q->root, NULL, 0, &w);
	if (rc < 0)
		return rc;
	if (q->first != w.lowest || q->last != w.prev)
		return TERN_TCP_RTXQ_ERR_FIRST_LAST;
	if (w.count != q->nb)
		return TERN_TCP_RTXQ_ERR_COUNT;
	return 0;
}
