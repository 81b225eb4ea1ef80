# tern: thin wrapper over meson. Every target installs what it needs first.
#   make run    install deps, build, run the demo (tern answering the kernel)
#   make test   install deps, build, run every test (unit, stack, fuzz
#               replays, interop), then the unit, stack and fuzz replays again
#               under ASan + UBSan + LeakSanitizer (build-asan)
#   make fuzz   install clang, build the libFuzzer harnesses (build-fuzz), run
#               each for FUZZ_SECONDS (default 60) and print their figures
#   make bench  install deps, build, run the standard benchmarks
BUILD ?= build
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
MESON_OPTS ?=
ifeq ($(CI),true)
MESON_OPTS += -Dwerror=true
endif

.PHONY: all deps build run test test-asan unit interop fuzz bench install clean

all: build

deps:
	@./tools/install-deps.sh

$(BUILD)/build.ninja:
	@./tools/install-deps.sh
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	./tools/demo.sh $(BUILD)

test: build
	./tools/run-tests.sh $(BUILD)

unit: build
	./tools/run-tests.sh $(BUILD) unit

interop: build
	./tools/run-tests.sh $(BUILD) interop

test-asan: deps
	./tools/run-tests.sh $(BUILD) sanitize

fuzz: deps
	@./tools/install-deps.sh fuzz
	./tools/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	./tools/bench.sh $(BUILD)

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) build-asan $(FUZZ_BUILD)
