# tern: thin wrapper over meson. Every target installs what it needs first.
#   make run    install deps, build, run the demo (tern answering the kernel)
#   make test   install deps, build, run every test (unit + interop)
#   make bench  install deps, build, run the standard benchmarks
BUILD ?= build
MESON_OPTS ?=
ifeq ($(CI),true)
MESON_OPTS += -Dwerror=true
endif

.PHONY: all deps build run test unit interop bench install clean

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

bench: build
	./tools/bench.sh $(BUILD)

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD)
