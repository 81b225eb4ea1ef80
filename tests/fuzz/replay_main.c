/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The tern authors
 */
/*
 * Replays files through a fuzz harness's LLVMFuzzerTestOneInput() without
 * libFuzzer: the seed corpora and the regression inputs (crashes found and
 * fixed), run by `make test` in the normal and the sanitizer builds.
 * Arguments: files or directories (their files, sorted by name). A harness
 * that finds a broken invariant aborts, which fails the test; otherwise
 * the last line is "checks: N passed, 0 failed", N the inputs replayed.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned int nb_inputs;

static int
replay_file(const char *path)
{
	uint8_t *buf;
	FILE *f = fopen(path, "rb");
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	printf("replay: %s (%ld bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	nb_inputs++;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay_dir(const char *dir)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir(dir);
	int ret = 0;

	if (d == NULL) {
		fprintf(stderr, "replay: %s: cannot open\n", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));

			if (nn == NULL) {
				ret = -1;
				break;
			}
			names = nn;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (ret == 0 && replay_file(path) != 0)
			ret = -1;
		free(names[i]);
	}
	free(names);
	return ret;
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, ret = 0;

	for (i = 1; i < argc && ret == 0; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: not found\n", argv[i]);
			ret = -1;
		} else if (S_ISDIR(st.st_mode)) {
			ret = replay_dir(argv[i]);
		} else {
			ret = replay_file(argv[i]);
		}
	}
	if (ret == 0 && nb_inputs == 0) {
		fprintf(stderr, "replay: no input\n");
		ret = -1;
	}
	printf("checks: %u passed, %d failed\n", nb_inputs, ret != 0);
	return ret == 0 ? 0 : 1;
}
